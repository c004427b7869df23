#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
    $script:Engine = Test-EngineAnswers
}
AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome; Remove-Module BotBottle -ErrorAction SilentlyContinue }

Describe 'Start-Bottle' {
    BeforeEach { $script:BotHome = New-BottleTestHome; Push-Location $TestDrive }
    AfterEach { Get-Bottle | Remove-Bottle -Force -Confirm:$false -ErrorAction SilentlyContinue; Pop-Location }

    It 'starts nothing with -WhatIf' {
        $b = New-Bottle pester -Label whatif
        $b | Start-Bottle -WhatIf | Should -BeNullOrEmpty
        (Get-Bottle whatif).State | Should -Be 'Prepared'
    }

    It 'rejects an unknown backend before doing anything' {
        { Start-Bottle -Agent pester -Backend vmware } | Should -Throw -ErrorId 'ParameterArgumentValidationError,BotBottle.PowerShell.Cmdlets.StartBottleCommand'
        Join-Path $script:BotHome 'state' | Should -Not -Exist
    }

    It 'reports a missing bottle as BottleNotFound' {
        { Start-Bottle nope -ErrorAction Stop } | Should -Throw -ErrorId 'BottleNotFound,BotBottle.PowerShell.Cmdlets.StartBottleCommand'
    }

    It 'starts a prepared bottle from the pipeline and runs it' -Skip:(-not $script:Engine) {
        $b = New-Bottle pester -Label piped-start | Start-Bottle
        $b.State | Should -Be 'Running'
        $b.Backend | Should -Be 'docker'
        $b.Services['sidecar'] | Should -Be 'running'
    }
}
