#Requires -Version 7.6
<#
.SYNOPSIS
    Builds, tests and packages BotBottle: the PowerShell users' entry point, wrapping the same steps as test.sh.
.PARAMETER Task
    Build   - dotnet build of the solution; assembles the module into out/BotBottle/<version>/ (with the sidecar,
              the image recipes, and the MAML help compiled from docs/cmdlets/*.md by build/HelpCompiler).
    Test    - Build, then every xUnit suite (integration tests need a Docker engine and debian:bookworm-slim),
              then the Pester suite in the repository's pinned pwsh (.config/dotnet-tools.json) with Pester 5.9.1
              from NuGet: the same tools ./test.sh uses.
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
}

function Invoke-Test {
    Invoke-Build
    Invoke-Native 'xUnit' { dotnet test BotBottle.sln -c $Configuration --no-build -nologo }
    Invoke-Native 'Pinned PowerShell' { dotnet tool restore }
    Invoke-Native 'Pester' { dotnet tool run pwsh -NoLogo -NoProfile -NonInteractive -File tests/Pester/Invoke-PesterSuite.ps1 }
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
