#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
}
AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome }

Describe 'Get-Bottle' {
    BeforeEach { $script:BotHome = New-BottleTestHome; Push-Location "$script:BotHome/project" }
    AfterEach { Pop-Location; Remove-TestBottle -AndHome }

    It 'lists prepared bottles and filters with wildcards' {
        New-Bottle pester -Label pester-one | Out-Null
        New-Bottle pester -Label other-two | Out-Null
        (Get-Bottle).Name | Should -Be @('other-two', 'pester-one')
        (Get-Bottle pester-*).Name | Should -Be @('pester-one')
        (Get-Bottle pester-one).State | Should -Be 'Prepared'
        # BottleState lives with the plan model (metadata.json holds it) since issue 19 made the namespaces acyclic.
        (Get-Bottle pester-one).State.GetType().FullName | Should -Be 'BotBottle.Planning.BottleState'
        Get-TypeName (Get-Bottle pester-one) | Should -Be 'BotBottle.Instances.Bottle'
    }

    It 'binds names from the pipeline' {
        New-Bottle pester -Label piped-one | Out-Null
        ('piped-one' | Get-Bottle).Name | Should -Be 'piped-one'
    }

    It 'reports a missing bottle as BottleNotFound and goes on with the next name' {
        New-Bottle pester -Label present | Out-Null
        $err = $null
        $found = Get-Bottle nope, present -ErrorAction SilentlyContinue -ErrorVariable err
        $found.Name | Should -Be 'present'
        $err[0].FullyQualifiedErrorId | Should -Be 'BottleNotFound,BotBottle.PowerShell.Cmdlets.GetBottleCommand'
        $err[0].TargetObject | Should -Be 'nope'
        { Get-Bottle nope -ErrorAction Stop } | Should -Throw -ErrorId 'BottleNotFound,BotBottle.PowerShell.Cmdlets.GetBottleCommand'
    }

    It 'completes names from local state' {
        New-Bottle pester -Label complete-me | Out-Null
        (TabExpansion2 -inputScript 'Get-Bottle compl' -cursorColumn 16).CompletionMatches.CompletionText | Should -Contain 'complete-me'
    }
}
