#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
    $script:Engine = Test-EngineAnswers
}
AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome; Remove-Module BotBottle -ErrorAction SilentlyContinue }

Describe 'Remove-Bottle' {
    BeforeEach { $script:BotHome = New-BottleTestHome; Push-Location $TestDrive }
    AfterEach { Pop-Location }

    It 'removes nothing with -WhatIf and everything otherwise' {
        $b = New-Bottle pester -Label gone
        $b | Remove-Bottle -WhatIf
        $b.StateDirectory | Should -Exist
        $b | Remove-Bottle -Confirm:$false
        $b.StateDirectory | Should -Not -Exist
    }

    It 'needs -Force for a running bottle' -Skip:(-not $script:Engine) {
        Start-Bottle -Agent pester -Label running-one | Out-Null
        { Remove-Bottle running-one -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'BottleRunning,BotBottle.PowerShell.Cmdlets.RemoveBottleCommand'
        Remove-Bottle running-one -Force -Confirm:$false
        docker ps -a --filter 'label=dev.botbottle.slug=running-one' -q | Should -BeNullOrEmpty
        docker network ls --filter 'label=dev.botbottle.slug=running-one' -q | Should -BeNullOrEmpty
    }

    It 'reports a missing bottle as BottleNotFound' {
        { Remove-Bottle nope -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'BottleNotFound,BotBottle.PowerShell.Cmdlets.RemoveBottleCommand'
    }
}
