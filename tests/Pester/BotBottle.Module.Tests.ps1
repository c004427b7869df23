#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
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

Describe 'Dependency isolation' {
    It 'imports and works in a session that already loaded another copy of YamlDotNet' {
        # In a child pwsh so this session stays clean: load a YamlDotNet from outside the module into the default
        # load context first, then import BotBottle and parse a manifest. Ours must load privately beside it.
        $yaml = Get-ChildItem (Join-Path (Split-Path $script:ManifestPath) 'Dependencies') -Filter YamlDotNet.dll | Select-Object -First 1
        $copy = Join-Path $TestDrive 'other-yaml'
        New-Item -ItemType Directory -Force -Path $copy | Out-Null
        Copy-Item $yaml.FullName $copy
        $script = @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$copy/YamlDotNet.dll'
Import-Module '$($script:ManifestPath)'
`$home2 = Join-Path '$TestDrive' 'alc-home'
New-Item -ItemType Directory -Force -Path "`$home2/bottles", "`$home2/agents" | Out-Null
Set-Content "`$home2/bottles/b.md" "---``nagent_provider:``n  template: shell``n---``n"
Set-Content "`$home2/agents/a.md" "---``nbottle: b``n---``n"
`$env:BOT_BOTTLE_HOME = `$home2
`$ok = (Test-BottleManifest -Quiet)
`$contexts = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'YamlDotNet' } |
    ForEach-Object { [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name }
"`$ok;`$(@(`$contexts).Count);`$(`$contexts -join ',')"
"@
        $out = & (Join-Path $PSHOME 'pwsh') -NoLogo -NoProfile -Command $script
        $LASTEXITCODE | Should -Be 0
        $parts = ($out | Select-Object -Last 1).Split(';')
        $parts[0] | Should -Be 'True'
        [int]$parts[1] | Should -Be 2
        $parts[2] | Should -Match 'Default'
        $parts[2] | Should -Match 'BotBottle'
    }
}

Describe 'Argument completers (local state only)' {
    BeforeAll {
        $script:OldHome = $env:BOT_BOTTLE_HOME
        $env:BOT_BOTTLE_HOME = Join-Path $TestDrive 'completion-home'
        Copy-Item (Join-Path $PSScriptRoot '../../examples/home') $env:BOT_BOTTLE_HOME -Recurse
        # An engine that cannot answer: completion must not need one.
        $script:OldDockerHost = $env:DOCKER_HOST
        $env:DOCKER_HOST = 'tcp://192.0.2.1:2375'
    }

    AfterAll {
        $env:BOT_BOTTLE_HOME = $script:OldHome
        $env:DOCKER_HOST = $script:OldDockerHost
    }

    It 'completes agent names' {
        $line = 'New-Bottle -Agent rev'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('reviewer')
    }

    It 'completes bottle definitions' {
        $line = 'New-Bottle -Agent helper -Bottle git'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('github-task')
    }

    It 'completes bottle slugs from prepared bottles' {
        New-Bottle -Agent reviewer -Label comp-one -Secret @{ GITHUB_TOKEN = 'x'; ANTHROPIC_API_KEY = 'y' } -ErrorAction Stop | Out-Null
        $line = 'Get-Bottle comp'
        $found = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $found.CompletionText | Should -Be @('comp-one')
        $found[0].ToolTip | Should -Be 'reviewer (Prepared)'
    }

    It 'completes backends' {
        $line = 'Start-Bottle -Agent reviewer -Backend sm'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('smolmachines')
    }
}
