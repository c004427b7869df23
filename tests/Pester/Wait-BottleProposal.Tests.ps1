#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
}
AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome }

Describe 'Wait-BottleProposal' {
    BeforeEach {
        $script:BotHome = New-BottleTestHome
        Push-Location "$script:BotHome/project"
        New-Bottle pester -Label waiter | Out-Null
    }
    AfterEach { Pop-Location; Remove-TestBottle -AndHome }

    It 'times out with WaitTimeout when nothing is filed' {
        { Wait-BottleProposal waiter -TimeoutSeconds 1 -ErrorAction Stop } | Should -Throw -ErrorId 'WaitTimeout,BotBottle.PowerShell.Cmdlets.WaitBottleProposalCommand'
    }

    It 'outputs a proposal filed after the wait began' {
        # The waiter runs in its own runspace; the proposal is filed once the waiter reports (as progress) that it
        # is watching, so nothing here depends on timing.
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$env:BOTBOTTLE_MODULE_PATH'; Wait-BottleProposal waiter -TimeoutSeconds 300")
        $handle = $ps.BeginInvoke()
        foreach ($i in 1..1200) {
            if ($ps.Streams.Progress.StatusDescription -like 'waiter: watching*') { break }
            if ($handle.IsCompleted) { break }
            Start-Sleep -Milliseconds 50
        }
        $ps.Streams.Progress.StatusDescription | Should -Contain 'waiter: watching (0 already filed)'
        $id = New-TestProposal -BottleName waiter
        $p = $ps.EndInvoke($handle)
        $ps.Streams.Error | Should -BeNullOrEmpty
        $p.Id | Should -Be $id
        $p.State | Should -Be 'Pending'
    }

    It 'ignores proposals filed before it began' {
        $old = New-TestProposal -BottleName waiter -HostName old.example.net
        { Wait-BottleProposal waiter -TimeoutSeconds 1 -ErrorAction Stop } | Should -Throw -ErrorId 'WaitTimeout,BotBottle.PowerShell.Cmdlets.WaitBottleProposalCommand'
        (Get-BottleProposal -Id $old).State | Should -Be 'Pending'
    }
}
