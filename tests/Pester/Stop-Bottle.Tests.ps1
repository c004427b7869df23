#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
    $script:Engine = Test-EngineAnswers
}
AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome; Remove-Module BotBottle -ErrorAction SilentlyContinue }

Describe 'Stop-Bottle' {
    BeforeEach { $script:BotHome = New-BottleTestHome; Push-Location $TestDrive }
    AfterEach { Get-Bottle | Remove-Bottle -Force -Confirm:$false -ErrorAction SilentlyContinue; Pop-Location }

    It 'refuses a bottle that never started with BottleNotRunning' {
        New-Bottle pester -Label never | Out-Null
        { Stop-Bottle never -ErrorAction Stop } | Should -Throw -ErrorId 'BottleNotRunning,BotBottle.PowerShell.Cmdlets.StopBottleCommand'
    }

    It 'stops nothing with -WhatIf, then stops and resumes through the pipeline' -Skip:(-not $script:Engine) {
        Start-Bottle -Agent pester -Label stopper | Out-Null
        Get-Bottle stopper | Stop-Bottle -WhatIf
        (Get-Bottle stopper).State | Should -Be 'Running'
        (Get-Bottle stopper | Stop-Bottle -PassThru).State | Should -Be 'Stopped'
        (Start-Bottle stopper).State | Should -Be 'Running'
    }
}
