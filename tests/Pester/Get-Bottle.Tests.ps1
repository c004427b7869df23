#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
}
AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome; Remove-Module BotBottle -ErrorAction SilentlyContinue }

Describe 'Get-Bottle' {
    BeforeEach { $script:BotHome = New-BottleTestHome; Push-Location $TestDrive }
    AfterEach { Pop-Location }

    It 'lists prepared bottles and filters with wildcards' {
        New-Bottle pester -Label pester-one | Out-Null
        New-Bottle pester -Label other-two | Out-Null
        (Get-Bottle).Name | Should -Be @('other-two', 'pester-one')
        (Get-Bottle pester-*).Name | Should -Be @('pester-one')
        (Get-Bottle pester-one).State | Should -Be 'Prepared'
    }

    It 'binds names from the pipeline' {
        New-Bottle pester -Label piped-one | Out-Null
        ('piped-one' | Get-Bottle).Name | Should -Be 'piped-one'
    }

    It 'reports a missing bottle as BottleNotFound' {
        { Get-Bottle nope -ErrorAction Stop } | Should -Throw -ErrorId 'BottleNotFound,BotBottle.PowerShell.Cmdlets.GetBottleCommand'
    }

    It 'completes names from local state' {
        New-Bottle pester -Label complete-me | Out-Null
        (TabExpansion2 -inputScript 'Get-Bottle compl' -cursorColumn 16).CompletionMatches.CompletionText | Should -Contain 'complete-me'
    }
}
