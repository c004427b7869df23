#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
}
AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome }

Describe 'Stop-Bottle' {
    BeforeEach { $script:BotHome = New-BottleTestHome; Push-Location "$script:BotHome/project" }
    AfterEach { Pop-Location; Remove-TestBottle -AndHome }

    It 'refuses a bottle that never started with BottleNotRunning' {
        New-Bottle pester -Label never | Out-Null
        { Stop-Bottle never -ErrorAction Stop } | Should -Throw -ErrorId 'BottleNotRunning,BotBottle.PowerShell.Cmdlets.StopBottleCommand'
    }

    It 'stops nothing with -WhatIf, then stops and resumes through the pipeline (real engine)' -Tag Engine {
        Assert-EngineAnswers
        Start-Bottle -Agent pester -Label stopper | Out-Null
        Get-Bottle stopper | Stop-Bottle -WhatIf
        (Get-Bottle stopper).State | Should -Be 'Running'
        $stopped = Get-Bottle stopper | Stop-Bottle -PassThru
        $stopped.State | Should -Be 'Stopped'
        & docker ps --filter 'label=dev.botbottle.slug=stopper' -q | Should -BeNullOrEmpty
        (Start-Bottle stopper).State | Should -Be 'Running'
        Invoke-BottleCommand stopper -Command echo, resumed | Should -Be 'resumed'
    }
}
