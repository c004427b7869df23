#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
# Module-wide tests: the manifest, import in a fresh pwsh, dependency isolation, compiled help, and the conventions
# every cmdlet follows. The per-cmdlet cases are generated at discovery (BeforeDiscovery) so they really run.

BeforeDiscovery {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    $script:CommandCases = @(Get-Command -Module BotBottle | ForEach-Object { @{ Name = $_.Name; Verb = $_.Verb } })
    $script:StateChangingCases = @($script:CommandCases | Where-Object { $_.Verb -in 'New', 'Start', 'Stop', 'Remove', 'Approve', 'Deny', 'Invoke', 'Enter' })
}

BeforeAll {
    $script:ManifestPath = $env:BOTBOTTLE_MODULE_PATH
    Import-Module $script:ManifestPath -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:Pwsh = Join-Path $PSHOME 'pwsh'
    $script:OldHome = $env:BOT_BOTTLE_HOME
}

AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome }

Describe 'BotBottle module manifest' {
    It 'exports the 16 cmdlets the generated cases below are built from' {
        (Get-Command -Module BotBottle).Count | Should -Be 16
    }

    It 'passes Test-ModuleManifest' {
        { Test-ModuleManifest -Path $script:ManifestPath -ErrorAction Stop } | Should -Not -Throw
    }

    It 'targets PowerShell 7.6 Core' {
        $m = Test-ModuleManifest -Path $script:ManifestPath
        $m.PowerShellVersion | Should -Be ([version]'7.6')
        $m.CompatiblePSEditions | Should -Be @('Core')
    }

    It 'exports exactly the cmdlets the assembly defines' {
        $m = Test-ModuleManifest -Path $script:ManifestPath
        @($m.ExportedCmdlets.Keys | Sort-Object) | Should -Be @((Get-Command -Module BotBottle).Name | Sort-Object)
    }
}

Describe 'Import in a fresh pwsh' {
    It 'lists every exported cmdlet and shows an example of Start-Bottle' {
        $out = & $script:Pwsh -NoLogo -NoProfile -NonInteractive -Command "Import-Module '$script:ManifestPath' -ErrorAction Stop; (Get-Command -Module BotBottle).Name -join ','; Get-Help Start-Bottle -Examples | Out-String -Width 200"
        $LASTEXITCODE | Should -Be 0
        $out[0].Split(',') | Sort-Object | Should -Be @((Get-Command -Module BotBottle).Name | Sort-Object)
        ($out -join "`n") | Should -Match 'Example 1: Prepare, then start'
        ($out -join "`n") | Should -Match 'New-Bottle -Agent reviewer \| Start-Bottle'
    }

    It 'keeps BotBottle.Core and its dependencies out of the default load context' {
        $out = & $script:Pwsh -NoLogo -NoProfile -NonInteractive -Command @"
Import-Module '$script:ManifestPath' -ErrorAction Stop
`$env:BOT_BOTTLE_HOME = '$TestDrive/alc-probe'
New-Item -ItemType Directory -Force '$TestDrive/alc-probe/bottles', '$TestDrive/alc-probe/agents' | Out-Null
Set-Content '$TestDrive/alc-probe/bottles/b.md' "---``nagent_provider:``n  template: shell``n---``n"
Test-BottleManifest -Quiet | Out-Null
[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -in 'BotBottle.PowerShell', 'BotBottle.Core', 'YamlDotNet' } |
    ForEach-Object { '{0}={1}' -f `$_.GetName().Name, [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name } | Sort-Object
"@
        $LASTEXITCODE | Should -Be 0
        $out | Should -Be @('BotBottle.Core=BotBottle', 'BotBottle.PowerShell=Default', 'YamlDotNet=BotBottle')
    }
}

Describe 'Dependency isolation' {
    It 'imports and works in a session that already loaded another YamlDotNet version, and both work' {
        # In a child pwsh so this session stays clean: load YamlDotNet 13.7.1 (restored by NuGet beside Pester) into
        # the default load context first, then import BotBottle and validate manifests; both copies must work.
        $packages = Split-Path (Split-Path (Split-Path (Split-Path (Get-Module Pester).Path)))
        $other = Join-Path $packages 'yamldotnet/13.7.1/lib/net7.0/YamlDotNet.dll'
        $other | Should -Exist
        $probeHome = Join-Path $TestDrive 'iso-home'
        New-Item -ItemType Directory -Force -Path "$probeHome/bottles", "$probeHome/agents" | Out-Null
        "---`nagent_provider:`n  template: shell`n---`n" | Set-Content "$probeHome/bottles/b.md"
        "---`nbottle: b`n---`n" | Set-Content "$probeHome/agents/a.md"
        "---`nbottle: b`negres: {}`n---`n" | Set-Content "$probeHome/agents/broken.md"
        $script = @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$other'
`$fromOther = [YamlDotNet.Serialization.DeserializerBuilder]::new().Build().Deserialize('answer: 42')
Import-Module '$script:ManifestPath'
`$env:BOT_BOTTLE_HOME = '$probeHome'
`$finding = Test-BottleManifest | Select-Object -First 1
`$versions = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'YamlDotNet' } |
    ForEach-Object { '{0}@{1}' -f `$_.GetName().Version, [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name } | Sort-Object
"{0}|{1}|{2}" -f `$fromOther['answer'], `$finding.Code, (`$versions -join ',')
"@
        $out = & $script:Pwsh -NoLogo -NoProfile -NonInteractive -Command $script
        $LASTEXITCODE | Should -Be 0
        $answer, $code, $versions = ($out | Select-Object -Last 1).Split('|')
        $answer | Should -Be '42'
        $code | Should -Be 'UnknownKey'
        $versions.Split(',') | Should -HaveCount 2
        $versions | Should -Match '13\.0\.0\.0@Default'
        $versions | Should -Match '@BotBottle'
    }
}

Describe 'Cmdlet conventions' {
    It '<Name> uses an approved verb' -ForEach $script:CommandCases {
        (Get-Verb).Verb | Should -Contain $Verb
    }

    It '<Name> declares an OutputType' -ForEach $script:CommandCases {
        (Get-Command $Name).OutputType | Should -Not -BeNullOrEmpty
    }

    It '<Name> supports ShouldProcess' -ForEach $script:StateChangingCases {
        (Get-Command $Name).Parameters.Keys | Should -Contain 'WhatIf'
        (Get-Command $Name).Parameters.Keys | Should -Contain 'Confirm'
    }

    It '<Name> has a help page in docs/ and a Pester file' -ForEach $script:CommandCases {
        Join-Path $PSScriptRoot "../../docs/cmdlets/$Name.md" | Should -Exist
        Join-Path $PSScriptRoot "$Name.Tests.ps1" | Should -Exist
    }

    It '<Name> has full help: synopsis, description, every parameter, an example' -ForEach $script:CommandCases {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*\w+-\w+\s*\['   # not the auto-generated syntax PowerShell shows without MAML
        ($help.description.Text -join ' ') | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        $documented = @($help.parameters.parameter.name)
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($p in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }) {
            $documented | Should -Contain $p -Because "-$p of $Name must be in its help"
        }
    }
}

Describe 'about_BotBottle' {
    It 'is found by Get-Help and names every error id section' {
        $about = Get-Help about_BotBottle | Out-String
        $about | Should -Match 'SHORT DESCRIPTION'
        $about | Should -Match 'BottleNotFound'
    }
}

Describe 'Format views' {
    BeforeAll { $script:BotHome = New-BottleTestHome; Push-Location "$script:BotHome/project" }
    AfterAll { Pop-Location; Remove-TestBottle -AndHome }

    It 'renders a Bottle as a table with its columns' {
        $text = New-Bottle pester -Label viewed | Format-Table | Out-String -Width 200
        $text | Should -Match 'Name\s+Agent\s+State\s+Backend\s+Services\s+Repositories\s+Started'
        $text | Should -Match 'viewed\s+pester\s+Prepared'
    }

    It 'renders a BottleProposal and a route as tables' {
        New-TestProposal -BottleName viewed -HostName api.view.example | Out-Null
        $proposals = Get-BottleProposal | Format-Table | Out-String -Width 200
        $proposals | Should -Match 'Id\s+Bottle\s+Kind\s+State\s+Filed\s+Summary'
        $proposals | Should -Match 'viewed\s+EgressAllow\s+Pending\s+.*api\.view\.example'
        $routes = Get-BottleEgressRoute viewed | Format-Table | Out-String -Width 200
        $routes | Should -Match 'example\.com'
    }

    It 'renders agents and manifest findings' {
        Get-BottleAgent | Format-Table | Out-String -Width 200 | Should -Match 'pester'
        "---`negres: {}`n---`n" | Set-Content "$script:BotHome/bottles/broken.md"
        Test-BottleManifest | Format-Table | Out-String -Width 200 | Should -Match 'UnknownKey'
        Remove-Item "$script:BotHome/bottles/broken.md"
    }
}

Describe 'Argument completers (local state only)' {
    BeforeAll {
        $script:CompletionHome = Join-Path $TestDrive 'completion-home'
        Copy-Item (Join-Path $PSScriptRoot '../../examples/home') $script:CompletionHome -Recurse
        $env:BOT_BOTTLE_HOME = $script:CompletionHome
        # An engine that cannot answer: completion must not need one.
        $script:OldDockerHost = $env:DOCKER_HOST
        $env:DOCKER_HOST = 'tcp://192.0.2.1:2375'
    }

    AfterAll { $env:DOCKER_HOST = $script:OldDockerHost }

    It 'completes agent names' {
        $line = 'New-Bottle -Agent rev'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('reviewer')
    }

    It 'completes bottle definitions' {
        $line = 'New-Bottle -Agent helper -Bottle git'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('github-task')
    }

    It 'completes agent names for Get-BottleAgent, and bottle definitions once -Bottle is given' {
        $line = 'Get-BottleAgent -Name '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('helper', 'reviewer')
        $line = 'Get-BottleAgent -Bottle -Name '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('claude', 'github-task', 'shell')
    }

    It 'completes bottle slugs from prepared bottles' {
        New-Bottle -Agent reviewer -Label comp-one -Secret @{ GITHUB_TOKEN = 'x'; ANTHROPIC_API_KEY = 'y' } -ErrorAction Stop | Out-Null
        $line = 'Get-Bottle comp'
        $found = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $found.CompletionText | Should -Be @('comp-one')
        $found[0].ToolTip | Should -Be 'reviewer (Prepared)'
    }

    It 'completes backends and proposal states from the module' {
        $line = 'Start-Bottle -Agent reviewer -Backend sm'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('smolmachines')
        $line = 'Get-BottleProposal -State Pe'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('Pending')
    }
}
