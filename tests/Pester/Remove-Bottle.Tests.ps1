#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
}
AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome }

Describe 'Remove-Bottle' {
    BeforeEach { $script:BotHome = New-BottleTestHome; Push-Location "$script:BotHome/project" }
    AfterEach { Pop-Location; Remove-TestBottle -AndHome }

    It 'removes nothing with -WhatIf and everything otherwise' {
        $b = New-Bottle pester -Label gone
        $b | Remove-Bottle -WhatIf
        $b.StateDirectory | Should -Exist
        $b | Remove-Bottle -Confirm:$false
        $b.StateDirectory | Should -Not -Exist
    }

    It 'needs -Force for a running bottle, then leaves no container, network, volume or state (real engine)' -Tag Engine {
        Assert-EngineAnswers
        $b = Start-Bottle -Agent pester -Label running-one
        Get-EngineLeftover running-one | Should -Not -BeNullOrEmpty   # positive control: the probe sees a live bottle
        $err = { Remove-Bottle running-one -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'BottleRunning,BotBottle.PowerShell.Cmdlets.RemoveBottleCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err.ErrorDetails.RecommendedAction | Should -Be 'Remove-Bottle running-one -Force'
        (Get-Bottle running-one).State | Should -Be 'Running'
        Get-Bottle running-one | Remove-Bottle -Force -Confirm:$false
        Get-EngineLeftover running-one | Should -BeNullOrEmpty
        $b.StateDirectory | Should -Not -Exist
    }

    It 'reports a missing bottle as BottleNotFound' {
        { Remove-Bottle nope -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'BottleNotFound,BotBottle.PowerShell.Cmdlets.RemoveBottleCommand'
    }
}
