#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
# The main job through the PowerShell module, on the real engine: demo.ps1 (the README's first command runs it) does
# New-Bottle | Start-Bottle -Detach, Invoke-BottleCommand, an egress-allow filed over MCP from inside the bottle,
# Get-BottleProposal | Approve-BottleProposal, the new route answering without a restart, and Remove-Bottle. This
# test runs it as a user does (a child pwsh) and checks every step and that nothing of the bottle is left.

BeforeAll {
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:Repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
}

Describe 'The main job (demo.ps1)' -Tag Engine {
    BeforeAll {
        Assert-EngineAnswers
        $json = & (Join-Path $PSHOME 'pwsh') -NoLogo -NoProfile -NonInteractive -File (Join-Path $script:Repo 'demo.ps1') -Format Json -ModulePath $env:BOTBOTTLE_MODULE_PATH
        $script:ExitCode = $LASTEXITCODE
        $script:Report = ($json -join "`n") | ConvertFrom-Json
        $script:Steps = @{}
        foreach ($s in $script:Report.steps) { $script:Steps[$s.name] = $s }
    }

    It 'exits 0 and reports every step as expected' {
        $failed = @($script:Report.steps | Where-Object { -not $_.ok } | ForEach-Object { "$($_.name): $($_.observed)" })
        $failed | Should -BeNullOrEmpty
        $script:ExitCode | Should -Be 0
        $script:Report.steps.name | Should -Be @('start', 'allowed', 'credential', 'no-route', 'dlp', 'proposal', 'approved', 'audit', 'remove')
    }

    It 'intercepted TLS with the bottle''s own CA' {
        $script:Steps['allowed'].observed | Should -Match "issuer seen by the agent: .*BotBottle CA for $($script:Report.bottle)"
    }

    It 'injected the credential the agent never held' {
        $script:Steps['credential'].observed | Should -Match 'upstream Authorization: Bearer <the DEMO_TOKEN secret>; token found in the agent container: False'
    }

    It 'refused an unlisted host and a DLP match before the upstream saw them' {
        $script:Steps['no-route'].observed | Should -Match 'HTTP 403, reason NoRoute; upstream saw other.test: False'
        $script:Steps['dlp'].observed | Should -Match 'HTTP 403, reason Dlp; upstream received /upload: False'
    }

    It 'applied the approved egress-allow to the running bottle' {
        $script:Steps['proposal'].observed | Should -Match 'agent call waiting: True'
        $script:Steps['approved'].observed | Should -Be "agent saw 'approved'; GET other.test now HTTP 200"
    }

    It 'recorded both refusals and the approval in the audit log' {
        $script:Steps['audit'].observed | Should -Be 'egress-blocked for other.test: True; for the AWS key sent to /upload: True; proposal-approved: True'
    }

    It 'left no container, network or volume of the bottle' {
        $script:Report.bottle | Should -Match '^demo-[0-9a-z]{5}$'
        Get-EngineLeftover $script:Report.bottle | Should -BeNullOrEmpty
    }
}
