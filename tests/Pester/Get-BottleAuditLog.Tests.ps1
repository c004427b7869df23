#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
}
AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome }

Describe 'Get-BottleAuditLog' {
    BeforeEach {
        $script:BotHome = New-BottleTestHome
        Push-Location "$script:BotHome/project"
        New-Bottle pester -Label audited | Out-Null
        New-Bottle pester -Label other | Out-Null
    }
    AfterEach { Pop-Location; Remove-TestBottle -AndHome }

    It 'records filing and both kinds of decision' {
        $a = New-TestProposal -BottleName audited -HostName a.example.net
        $b = New-TestProposal -BottleName audited -HostName b.example.net
        Approve-BottleProposal $a -Confirm:$false
        Deny-BottleProposal $b -Reason 'nope'
        $log = @(Get-BottleAuditLog audited)
        Get-TypeName $log[0] | Should -Be 'BotBottle.Proposals.BottleAuditEntry'
        ($log | Where-Object ProposalId -eq $a).Event | Should -Contain 'proposal-approved'
        ($log | Where-Object ProposalId -eq $b).Event | Should -Contain 'proposal-denied'
    }

    It 'binds bottles from the pipeline and filters by bottle' {
        New-TestProposal -BottleName other | Out-Null
        Get-BottleProposal | Out-Null
        @(Get-Bottle other | Get-BottleAuditLog).BottleName | Sort-Object -Unique | Should -Be 'other'
    }
}
