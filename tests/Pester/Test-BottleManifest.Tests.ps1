#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }

BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
    $script:Project = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'project')
    Push-Location $script:Project
}

AfterAll {
    Pop-Location
    $env:BOT_BOTTLE_HOME = $script:OldHome
}

Describe 'Test-BottleManifest' {
    BeforeEach {
        $env:BOT_BOTTLE_HOME = Join-Path $TestDrive ([guid]::NewGuid())
        Copy-Item (Join-Path $PSScriptRoot '../../examples/home') $env:BOT_BOTTLE_HOME -Recurse
    }

    It 'finds nothing wrong with the examples' {
        Test-BottleManifest | Should -BeNullOrEmpty
        Test-BottleManifest -Quiet | Should -BeTrue
    }

    It 'outputs located findings with a suggestion' {
        $bad = Join-Path $env:BOT_BOTTLE_HOME 'bottles/broken.md'
        Set-Content $bad "---`nextends: claude`negres: {}`n---`n"
        $f = Test-BottleManifest
        $f | Should -HaveCount 1
        Get-TypeName $f | Should -Be 'BotBottle.Manifest.ManifestFinding'
        $f.File | Should -Be $bad
        $f.Line | Should -Be 3
        $f.Column | Should -Be 1
        $f.Code | Should -Be 'UnknownKey'
        $f.Suggestion | Should -Be 'egress'
        $f.Severity | Should -Be 'Error'
        "$f" | Should -Be "${bad}:3:1: unknown key 'egres' in a bottle; valid keys: extends, env, agent_provider, git-gate, egress (did you mean 'egress'?)"
        Test-BottleManifest -Quiet | Should -BeFalse
    }

    It 'validates files from the pipeline' {
        Get-BottleAgent | Test-BottleManifest | Should -BeNullOrEmpty
        Get-ChildItem (Join-Path $env:BOT_BOTTLE_HOME 'bottles') | Test-BottleManifest -Quiet | Should -BeTrue
    }

    It 'needs -Kind for a file outside the usual folders' {
        $draft = Join-Path $env:BOT_BOTTLE_HOME 'draft.md'
        Set-Content $draft "---`nbottle: shell`n---`n"
        { Test-BottleManifest $draft -ErrorAction Stop } | Should -Throw -ErrorId 'ManifestKindUnknown,BotBottle.PowerShell.Cmdlets.TestBottleManifestCommand'
        Test-BottleManifest $draft -Kind Agent | Should -BeNullOrEmpty
        { Test-BottleManifest $draft -Kind Recipe } | Should -Throw -ErrorId 'ParameterArgumentValidationError,BotBottle.PowerShell.Cmdlets.TestBottleManifestCommand'
    }
}
