#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
}
AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome }

Describe 'Approve-BottleProposal' {
    BeforeEach {
        $script:BotHome = New-BottleTestHome
        Push-Location "$script:BotHome/project"
        New-Bottle pester -Label approver | Out-Null
        $script:Id = New-TestProposal -BottleName approver -HostName api.example.net
    }
    AfterEach { Pop-Location; Remove-TestBottle -AndHome }

    It 'decides nothing with -WhatIf' {
        Get-BottleProposal -Id $script:Id | Approve-BottleProposal -WhatIf
        (Get-BottleProposal -Id $script:Id).State | Should -Be 'Pending'
        (Get-BottleEgressRoute approver).Host | Should -Not -Contain 'api.example.net'
    }

    It 'approves from the pipeline, merges the route and writes the decision for the sidecar' {
        $p = Get-BottleProposal -State Pending | Approve-BottleProposal -PassThru -Confirm:$false
        Get-TypeName $p | Should -Be 'BotBottle.Proposals.BottleProposal'
        $p.State | Should -Be 'Approved'
        $p.Decider | Should -Not -BeNullOrEmpty
        (Get-BottleEgressRoute approver).Host | Should -Contain 'api.example.net'
        Test-Path (Join-Path $script:BotHome "state/approver/proposals/decisions/$($script:Id).json") | Should -BeTrue
    }

    It 'approves modified routes given as hashtables (state Modified)' {
        $p = Approve-BottleProposal $script:Id -Route @{ host = 'api.example.net'; matches = @(@{ methods = @('GET') }) } -PassThru -Confirm:$false
        $p.State | Should -Be 'Modified'
        (Get-BottleEgressRoute approver -HostName api.example.net).Allows | Should -Match 'GET'
    }

    It 'refuses a second decision with ProposalNotPending' {
        Approve-BottleProposal $script:Id -Confirm:$false
        { Approve-BottleProposal $script:Id -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'ProposalNotPending,BotBottle.PowerShell.Cmdlets.ApproveBottleProposalCommand'
    }

    It 'refuses invalid modified routes and changes nothing' {
        $err = { Approve-BottleProposal $script:Id -Route @{ host = 'api.example.net'; matches = @(@{ paths = @('no-slash') }) } -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ProposalInvalid,BotBottle.PowerShell.Cmdlets.ApproveBottleProposalCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        (Get-BottleProposal -Id $script:Id).State | Should -Be 'Pending'
        (Get-BottleEgressRoute approver).Host | Should -Not -Contain 'api.example.net'
    }
}
