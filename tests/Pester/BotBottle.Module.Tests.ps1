#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Module-wide tests: the manifest, import, and conventions every cmdlet must follow.

BeforeAll {
    $script:ManifestPath = $env:BOTBOTTLE_MODULE_PATH
    Import-Module $script:ManifestPath -Force
    $script:Commands = Get-Command -Module BotBottle
}

AfterAll {
    Remove-Module BotBottle -ErrorAction SilentlyContinue
}

Describe 'BotBottle module manifest' {
    It 'passes Test-ModuleManifest' {
        { Test-ModuleManifest -Path $script:ManifestPath -ErrorAction Stop } | Should -Not -Throw
    }

    It 'targets PowerShell 7.4 Core' {
        $m = Test-ModuleManifest -Path $script:ManifestPath
        $m.PowerShellVersion | Should -Be ([version]'7.4')
        $m.CompatiblePSEditions | Should -Be @('Core')
    }

    It 'exports exactly the cmdlets the assembly defines' {
        $m = Test-ModuleManifest -Path $script:ManifestPath
        @($m.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($script:Commands.Name | Sort-Object)
    }
}

Describe 'Cmdlet conventions' {
    It '<_.Name> uses an approved verb' -ForEach @($script:Commands) {
        (Get-Verb).Verb | Should -Contain $_.Verb
    }

    It '<_.Name> declares an OutputType' -ForEach @($script:Commands) {
        $_.OutputType | Should -Not -BeNullOrEmpty
    }

    It '<_.Name> supports ShouldProcess when it changes state' -ForEach @($script:Commands | Where-Object Verb -In 'New', 'Start', 'Stop', 'Remove', 'Approve', 'Deny', 'Invoke', 'Enter') {
        $_.Parameters.Keys | Should -Contain 'WhatIf'
    }

    It '<_.Name> has a help page in docs/' -ForEach @($script:Commands) {
        Join-Path $PSScriptRoot "../../docs/cmdlets/$($_.Name).md" | Should -Exist
    }

    It '<_.Name> has a Pester file' -ForEach @($script:Commands) {
        Join-Path $PSScriptRoot "$($_.Name).Tests.ps1" | Should -Exist
    }
}
