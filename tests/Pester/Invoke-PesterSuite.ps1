#Requires -Version 7.6
<#
.SYNOPSIS
    Runs the Pester suite against the built module in out/BotBottle/<version>/.
.DESCRIPTION
    Pester 5.9.1 comes from NuGet (a PackageDownload of tests/BotBottle.PowerShell.Tests, restored by the solution
    build into the NuGet global packages folder), never from the PowerShell Gallery. Each *.Tests.ps1 file imports
    the module from $env:BOTBOTTLE_MODULE_PATH. The suite runs in this (child) pwsh so the module never loads into
    the caller's session. Writes NUnit XML and "passed failed skipped" counts to -ResultsDirectory.
.PARAMETER ResultsDirectory
    Where pester.xml and pester-counts.txt are written.
.PARAMETER Path
    Test files or folders to run (default: every *.Tests.ps1 in this folder).
.PARAMETER ExcludeTag
    Tags to leave out, e.g. Engine (the tests that start real bottles) on a host without a Linux Docker engine.
.PARAMETER PesterVersion
    The Pester package version to import (default 5.9.1, the version the PackageDownload restores).
#>
[CmdletBinding()]
param(
    [string] $ResultsDirectory = (Join-Path $PSScriptRoot '../../artifacts/test-results'),
    [string[]] $Path = @($PSScriptRoot),
    [string[]] $ExcludeTag = @(),
    [string] $PesterVersion = '5.9.1'
)
$ErrorActionPreference = 'Stop'
$repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
$version = ([xml](Get-Content (Join-Path $repo 'Directory.Build.props'))).Project.PropertyGroup.VersionPrefix | Where-Object { $_ } | Select-Object -First 1
$env:BOTBOTTLE_MODULE_PATH = Join-Path $repo "out/BotBottle/$version/BotBottle.psd1"
if (-not (Test-Path $env:BOTBOTTLE_MODULE_PATH)) {
    throw "Build first: $env:BOTBOTTLE_MODULE_PATH does not exist (dotnet build BotBottle.sln -c Release)."
}

# The NuGet global packages folder: $NUGET_PACKAGES when set, else what the SDK reports.
$packages = $env:NUGET_PACKAGES
if (-not $packages) {
    $line = & dotnet nuget locals global-packages --list 2>$null | Select-Object -First 1
    $packages = ($line -replace '^[^:]*:\s*', '').Trim()
}
$pesterManifest = Join-Path $packages "pester/$PesterVersion/tools/Pester.psd1"
if (-not (Test-Path $pesterManifest)) {
    throw "Pester $PesterVersion is not in the NuGet packages folder ($pesterManifest). Restore it: dotnet restore tests/BotBottle.PowerShell.Tests"
}
Import-Module $pesterManifest -Force
Write-Host "Pester $((Get-Module Pester).Version) from $pesterManifest; PowerShell $($PSVersionTable.PSVersion); module $env:BOTBOTTLE_MODULE_PATH"

New-Item -ItemType Directory -Force -Path $ResultsDirectory | Out-Null
$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Filter.ExcludeTag = $ExcludeTag
$config.Output.Verbosity = 'Detailed'
$config.Output.StackTraceVerbosity = 'Filtered'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path $ResultsDirectory 'pester.xml'
$result = Invoke-Pester -Configuration $config
# Containers that failed to run (a file that throws at discovery or in BeforeAll) count as failures too.
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
"$($result.PassedCount) $failed $($result.SkippedCount + $result.NotRunCount)" | Set-Content (Join-Path $ResultsDirectory 'pester-counts.txt')
if ($failed -gt 0) { exit 1 }
