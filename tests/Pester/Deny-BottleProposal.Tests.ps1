#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
}
AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome }

Describe 'Deny-BottleProposal' {
    BeforeEach {
        $script:BotHome = New-BottleTestHome
        Push-Location "$script:BotHome/project"
        New-Bottle pester -Label denier | Out-Null
        $script:Id = New-TestProposal -BottleName denier -HostName api.example.net
    }
    AfterEach { Pop-Location; Remove-TestBottle -AndHome }

    It 'requires a reason' {
        (Get-Command Deny-BottleProposal).Parameters['Reason'].Attributes.Mandatory | Should -Contain $true
    }

    It 'decides nothing with -WhatIf' {
        Deny-BottleProposal $script:Id -Reason 'no' -WhatIf
        (Get-BottleProposal -Id $script:Id).State | Should -Be 'Pending'
    }

    It 'denies from the pipeline and leaves the routes alone' {
        $before = (Get-BottleEgressRoute denier).Host
        $p = Get-BottleProposal -State Pending | Deny-BottleProposal -Reason 'not this week' -PassThru
        $p.State | Should -Be 'Denied'
        $p.Reason | Should -Be 'not this week'
        (Get-BottleEgressRoute denier).Host | Should -Be $before
    }

    It 'denies several pending proposals in one pipeline and none twice' {
        $second = New-TestProposal -BottleName denier -HostName other.example.net
        $denied = Get-BottleProposal -State Pending | Deny-BottleProposal -Reason 'batch' -PassThru
        @($denied).Count | Should -Be 2
        $denied.Id | Should -Contain $second
        @(Get-BottleProposal -State Pending).Count | Should -Be 0
        { Deny-BottleProposal $second -Reason again -ErrorAction Stop } | Should -Throw -ErrorId 'ProposalNotPending,BotBottle.PowerShell.Cmdlets.DenyBottleProposalCommand'
    }

    It 'refuses an unknown proposal with ProposalNotFound' {
        { Deny-BottleProposal 'denier-0000000000000' -Reason x -ErrorAction Stop } | Should -Throw -ErrorId 'ProposalNotFound,BotBottle.PowerShell.Cmdlets.DenyBottleProposalCommand'
    }
}
