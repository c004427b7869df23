#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and packages BotBottle: the PowerShell users' entry point, wrapping the same steps as test.sh.
.PARAMETER Task
    Build   - dotnet build of the solution; assembles the module into out/BotBottle/<version>/ (with the sidecar),
              and compiles docs/cmdlets/*.md into MAML help when platyPS is installed.
    Test    - Build, then every xUnit suite (integration tests need a Docker engine and debian:bookworm-slim),
              then the Pester suite in a child pwsh.
    Package - Build, then out/packages/: the module .nupkg (a PowerShell gallery accepts it) and the bot-bottle
              .NET tool .nupkg.
.EXAMPLE
    ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

function Invoke-Native([string] $What, [scriptblock] $Command) {
    Write-Host "== $What" -ForegroundColor Cyan
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit $LASTEXITCODE)." }
}

$version = ([xml](Get-Content Directory.Build.props)).Project.PropertyGroup.VersionPrefix | Where-Object { $_ } | Select-Object -First 1
$moduleDir = Join-Path $PSScriptRoot "out/BotBottle/$version"

function Invoke-Build {
    Invoke-Native 'Build' { dotnet build BotBottle.sln -c $Configuration -nologo }
    $platy = Get-Module -ListAvailable Microsoft.PowerShell.PlatyPS, platyPS | Select-Object -First 1
    if ($platy -and (Test-Path docs/cmdlets)) {
        Import-Module $platy
        $helpDir = Join-Path $moduleDir 'en-US'
        if ($platy.Name -eq 'platyPS') {
            New-ExternalHelp -Path docs/cmdlets -OutputPath $helpDir -Force | Out-Null
        } else {
            Measure-PlatyPSMarkdown -Path docs/cmdlets/*.md | Where-Object Filetype -Match 'CommandHelp' |
                Import-MarkdownCommandHelp -Path { $_.FilePath } | Export-MamlCommandHelp -OutputFolder $helpDir -Force | Out-Null
        }
        Write-Host "help -> $helpDir"
    } else {
        Write-Host 'help: platyPS not installed; the module ships docs as about_BotBottle only (Install-Module Microsoft.PowerShell.PlatyPS).'
    }
}

function Invoke-Test {
    Invoke-Build
    Invoke-Native 'xUnit' { dotnet test BotBottle.sln -c $Configuration --no-build -nologo }
    Invoke-Native 'Pester' { pwsh -NoLogo -NoProfile -File tests/Pester/Invoke-PesterSuite.ps1 }
}

function Invoke-Package {
    Invoke-Build
    $packages = Join-Path $PSScriptRoot 'out/packages'
    New-Item -ItemType Directory -Force -Path $packages | Out-Null
    Invoke-Native 'Pack bot-bottle tool' { dotnet pack src/BotBottle.Cli -c $Configuration --no-build -nologo -o $packages }

    # A module .nupkg as a gallery takes it: publish to a throwaway local repository.
    $repoName = "BotBottleLocal-$PID"
    Register-PSResourceRepository -Name $repoName -Uri $packages -Trusted
    try {
        Publish-PSResource -Path $moduleDir -Repository $repoName -SkipDependenciesCheck
    } finally {
        Unregister-PSResourceRepository -Name $repoName
    }
    Get-ChildItem $packages -Filter *.nupkg | ForEach-Object { Write-Host "package -> $($_.FullName)" }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Package' { Invoke-Package }
}
