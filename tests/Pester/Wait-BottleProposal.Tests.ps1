#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
}
AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome; Remove-Module BotBottle -ErrorAction SilentlyContinue }

Describe 'Wait-BottleProposal' {
    BeforeEach {
        $script:BotHome = New-BottleTestHome
        Push-Location $TestDrive
        New-Bottle pester -Label waiter | Out-Null
    }
    AfterEach { Get-Bottle | Remove-Bottle -Force -Confirm:$false -ErrorAction SilentlyContinue; Pop-Location }

    It 'times out with WaitTimeout when nothing is filed' {
        { Wait-BottleProposal waiter -TimeoutSeconds 1 -ErrorAction Stop } | Should -Throw -ErrorId 'WaitTimeout,BotBottle.PowerShell.Cmdlets.WaitBottleProposalCommand'
    }

    It 'outputs a proposal filed after the wait began' {
        $job = Start-ThreadJob -ScriptBlock {
            param($home_, $helper)
            $env:BOT_BOTTLE_HOME = $home_
            . $helper
            Start-Sleep -Milliseconds 700
            New-TestProposal -BottleName waiter
        } -ArgumentList $script:BotHome, (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
        $p = Wait-BottleProposal waiter -TimeoutSeconds 20
        $id = $job | Receive-Job -Wait -AutoRemoveJob
        $p.Id | Should -Be $id
        $p.State | Should -Be 'Pending'
    }
}
