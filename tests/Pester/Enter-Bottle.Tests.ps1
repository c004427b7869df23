#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
}
AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome }

Describe 'Enter-Bottle' {
    BeforeEach { $script:BotHome = New-BottleTestHome; Push-Location "$script:BotHome/project" }
    AfterEach { Pop-Location; Remove-TestBottle -AndHome }

    It 'refuses a bottle that is not running with BottleNotRunning (InvalidOperation)' {
        New-Bottle pester -Label cold | Out-Null
        $err = { Enter-Bottle cold -ErrorAction Stop } | Should -Throw -ErrorId 'BottleNotRunning,BotBottle.PowerShell.Cmdlets.EnterBottleCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        # Core names the action; the module words it in its own syntax.
        $err.ErrorDetails.RecommendedAction | Should -Be 'Start-Bottle cold'
        $err.ErrorDetails.Message | Should -BeLike '*Run: Start-Bottle cold'
    }

    It 'does nothing with -WhatIf' {
        New-Bottle pester -Label cold2 | Out-Null
        Enter-Bottle cold2 -WhatIf | Should -BeNullOrEmpty
        (Get-Bottle cold2).State | Should -Be 'Prepared'
    }

    It 'binds a Bottle from the pipeline' {
        New-Bottle pester -Label cold3 | Out-Null
        { Get-Bottle cold3 | Enter-Bottle -ErrorAction Stop } | Should -Throw -ErrorId 'BottleNotRunning,BotBottle.PowerShell.Cmdlets.EnterBottleCommand'
    }
}
