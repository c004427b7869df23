#
# Module manifest for BotBottle. The build (build/Module.targets) copies this file into out/BotBottle/<version>/
# and replaces ModuleVersion with the version from Directory.Build.props, the one version source.
# CmdletsToExport must list exactly the [Cmdlet] classes in BotBottle.PowerShell.dll (a test checks it).
#
@{
    RootModule           = 'BotBottle.PowerShell.dll'
    ModuleVersion        = '0.0.0'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.6'
    GUID                 = '6f0c2a0e-8d7b-4a51-9a57-3f4e2d1b7c90'
    Author               = 'BotBottle contributors'
    CompanyName          = 'BotBottle'
    Copyright            = '(c) BotBottle contributors. All rights reserved.'
    Description          = 'Run AI coding agents (Claude Code, Codex, any CLI agent) inside disposable, per-agent bottles whose only way out is a sidecar you control: default-deny egress with TLS interception, DLP, injected credentials, gated git pushes, and operator-approved proposals.'

    FormatsToProcess     = @('BotBottle.Format.ps1xml')
    TypesToProcess       = @('BotBottle.Types.ps1xml')

    CmdletsToExport      = @('Approve-BottleProposal', 'Deny-BottleProposal', 'Enter-Bottle', 'Get-Bottle', 'Get-BottleAgent', 'Get-BottleAuditLog', 'Get-BottleEgressRoute', 'Get-BottleProposal', 'Invoke-BottleCommand', 'New-Bottle', 'Remove-Bottle', 'Start-Bottle', 'Stop-Bottle', 'Test-BottleEgress', 'Test-BottleManifest', 'Wait-BottleProposal')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()

    PrivateData          = @{
        PSData = @{
            Tags       = @('AI', 'Agent', 'Sandbox', 'Container', 'Docker', 'Security', 'DLP', 'Proxy', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri = 'https://github.com/botbottle/botbottle'
            LicenseUri = 'https://github.com/botbottle/botbottle/blob/main/LICENSE'
        }
    }
}
