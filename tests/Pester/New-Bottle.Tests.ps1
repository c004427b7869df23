#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
# New-Bottle against a temporary BOT_BOTTLE_HOME holding a copy of examples/home.

BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
    $script:Examples = Join-Path $PSScriptRoot '../../examples/home'
    $script:Secret = @{ GITHUB_TOKEN = (ConvertTo-SecureString 'PLANTED-pester-secret-9b1' -AsPlainText -Force) }
}

AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome }

Describe 'New-Bottle' {
    BeforeEach {
        $script:BotHome = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        Copy-Item $script:Examples $script:BotHome -Recurse
        $env:BOT_BOTTLE_HOME = $script:BotHome
        $script:Project = New-Item -ItemType Directory -Path (Join-Path $script:BotHome 'project')
        Push-Location $script:Project
    }

    AfterEach { Pop-Location; Remove-TestBottle -AndHome }

    It 'prepares an agent and outputs a Prepared Bottle' {
        $b = New-Bottle reviewer -Secret $script:Secret
        Get-TypeName $b | Should -Be 'BotBottle.Instances.Bottle'
        $b.Name | Should -Match '^reviewer-[0-9a-z]{5}$'
        $b.State | Should -Be 'Prepared'
        $b.ProjectPath | Should -Be $script:Project.FullName
        "$b" | Should -Be $b.Name
        Join-Path $b.StateDirectory 'plan.json' | Should -Exist
        Join-Path $b.StateDirectory 'metadata.json' | Should -Exist
    }

    It 'never writes the secret' {
        $b = New-Bottle reviewer -Secret $script:Secret -Label hygiene
        Get-ChildItem $script:BotHome -Recurse -File | Select-String -SimpleMatch 'PLANTED-pester' | Should -BeNullOrEmpty
        ($b | ConvertTo-Json -Depth 10 -WarningAction SilentlyContinue) | Should -Not -Match 'PLANTED-pester'
    }

    It 'writes nothing with -WhatIf' {
        New-Bottle reviewer -WhatIf | Should -BeNullOrEmpty
        Join-Path $script:BotHome 'state' | Should -Not -Exist
    }

    It 'binds Name and Bottle from Get-BottleAgent on the pipeline' {
        $b = Get-BottleAgent helper | New-Bottle -Bottle shell -Label piped
        $b.Name | Should -Be 'piped'
        $b.Agent | Should -Be 'helper'
        $b.Plan.BottleChain | Should -Be @('shell')
    }

    It 'takes -Backend from the registry' {
        { New-Bottle reviewer -Backend vmware -Secret $script:Secret -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,BotBottle.PowerShell.Cmdlets.NewBottleCommand'
        (New-Bottle reviewer -Backend docker -Secret $script:Secret).Backend | Should -Be 'docker'
    }

    It 'reports an unknown agent as AgentNotFound (ObjectNotFound)' {
        $err = { New-Bottle nobody -ErrorAction Stop } | Should -Throw -ErrorId 'AgentNotFound,BotBottle.PowerShell.Cmdlets.NewBottleCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'reports a portable agent without -Bottle as BottleRequired (InvalidArgument)' {
        $err = { New-Bottle helper -ErrorAction Stop } | Should -Throw -ErrorId 'BottleRequired,BotBottle.PowerShell.Cmdlets.NewBottleCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'reports a taken label as BottleExists (ResourceExists)' {
        New-Bottle reviewer -Secret $script:Secret -Label taken | Out-Null
        $err = { New-Bottle reviewer -Secret $script:Secret -Label taken -ErrorAction Stop } | Should -Throw -ErrorId 'BottleExists,BotBottle.PowerShell.Cmdlets.NewBottleCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
    }

    It 'reports an invalid manifest as ManifestInvalid with file:line:col' {
        Set-Content (Join-Path $script:BotHome 'bottles/shell.md') "---`negres: {}`n---`n"
        $err = $null
        New-Bottle helper -Bottle shell -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'ManifestInvalid,BotBottle.PowerShell.Cmdlets.NewBottleCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].Exception.Message | Should -Match 'shell\.md:2:1: unknown key'
    }

    It 'reports a missing secret as SecretMissing in a non-interactive session' {
        $module = $env:BOTBOTTLE_MODULE_PATH
        $out = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command "Import-Module '$module'; `$env:BOT_BOTTLE_HOME = '$($script:BotHome)'; Set-Location '$($script:Project.FullName)'; try { New-Bottle reviewer -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }"
        $out | Should -Contain 'SecretMissing,BotBottle.PowerShell.Cmdlets.NewBottleCommand'
        ($out -join "`n") | Should -Match 'BOT_BOTTLE_SECRET_GITHUB_TOKEN'
    }

    It 'completes agent names' {
        $r = TabExpansion2 -inputScript 'New-Bottle rev' -cursorColumn 14
        $r.CompletionMatches.CompletionText | Should -Contain 'reviewer'
        $r = TabExpansion2 -inputScript 'New-Bottle helper -Bottle sh' -cursorColumn 28
        $r.CompletionMatches.CompletionText | Should -Contain 'shell'
    }
}
