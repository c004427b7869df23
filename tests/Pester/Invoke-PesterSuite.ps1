#Requires -Version 7.4
<#
.SYNOPSIS
    Runs the Pester suite against the built module in out/BotBottle/<version>/.
.DESCRIPTION
    Each *.Tests.ps1 file imports the module from $env:BOTBOTTLE_MODULE_PATH. The suite runs in this (child) pwsh
    so the module never loads into the caller's session. Writes NUnit XML and "passed failed skipped" counts to
    -ResultsDirectory. Needs Pester 5 (Install-Module Pester -MinimumVersion 5.5 -Scope CurrentUser).
#>
[CmdletBinding()]
param(
    [string] $ResultsDirectory = (Join-Path $PSScriptRoot '../../artifacts/test-results')
)
$ErrorActionPreference = 'Stop'
$repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
$version = ([xml](Get-Content (Join-Path $repo 'Directory.Build.props'))).Project.PropertyGroup.VersionPrefix | Where-Object { $_ } | Select-Object -First 1
$env:BOTBOTTLE_MODULE_PATH = Join-Path $repo "out/BotBottle/$version/BotBottle.psd1"
if (-not (Test-Path $env:BOTBOTTLE_MODULE_PATH)) {
    throw "Build first: $env:BOTBOTTLE_MODULE_PATH does not exist (dotnet build BotBottle.sln -c Release)."
}

$pester = Get-Module -ListAvailable Pester | Where-Object Version -GE ([version]'5.5.0') | Sort-Object Version -Descending | Select-Object -First 1
if (-not $pester) {
    throw 'Pester 5.5 or later is required: Install-Module Pester -MinimumVersion 5.5 -Scope CurrentUser'
}
Import-Module $pester

New-Item -ItemType Directory -Force -Path $ResultsDirectory | Out-Null
$config = New-PesterConfiguration
$config.Run.Path = $PSScriptRoot
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path $ResultsDirectory 'pester.xml'
$result = Invoke-Pester -Configuration $config
"$($result.PassedCount) $($result.FailedCount) $($result.SkippedCount)" | Set-Content (Join-Path $ResultsDirectory 'pester-counts.txt')
if ($result.FailedCount -gt 0) { exit 1 }
