#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
}
AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome }

Describe 'Get-BottleProposal' {
    BeforeEach {
        $script:BotHome = New-BottleTestHome
        Push-Location "$script:BotHome/project"
        New-Bottle pester -Label prop-a | Out-Null
        New-Bottle pester -Label prop-b | Out-Null
        $script:IdA = New-TestProposal -BottleName prop-a -HostName a.example.net
        $script:IdB = New-TestProposal -BottleName prop-b -HostName b.example.net
    }
    AfterEach { Pop-Location; Remove-TestBottle -AndHome }

    It 'imports what sidecars filed and outputs typed proposals' {
        $all = @(Get-BottleProposal)
        $all.Count | Should -Be 2
        Get-TypeName $all[0] | Should -Be 'BotBottle.Proposals.BottleProposal'
        $all.State | Sort-Object -Unique | Should -Be 'Pending'
        $all.Kind | Sort-Object -Unique | Should -Be 'EgressAllow'
    }

    It 'filters by bottle name with wildcards, by state and by id' {
        (Get-BottleProposal prop-a).Id | Should -Be $script:IdA
        @(Get-BottleProposal 'prop-*').Count | Should -Be 2
        @(Get-BottleProposal -State Denied).Count | Should -Be 0
        (Get-BottleProposal -Id $script:IdB).BottleName | Should -Be 'prop-b'
    }

    It 'binds bottles from the pipeline by property name' {
        (Get-Bottle prop-b | Get-BottleProposal).Id | Should -Be $script:IdB
    }

    It 'reports an unknown id with ProposalNotFound' {
        { Get-BottleProposal -Id 'prop-a-nope' -ErrorAction Stop } | Should -Throw -ErrorId 'ProposalNotFound,BotBottle.PowerShell.Cmdlets.GetBottleProposalCommand'
        Get-BottleProposal -Id 'prop-a-nope' -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].ErrorDetails.RecommendedAction | Should -Be 'Get-BottleProposal'
    }

    It 'completes proposal ids from local state' {
        $r = TabExpansion2 -inputScript 'Approve-BottleProposal prop-a' -cursorColumn 29
        $r.CompletionMatches.CompletionText | Should -Contain $script:IdA
    }
}
