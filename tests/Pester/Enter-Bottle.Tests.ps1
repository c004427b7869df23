#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
}
AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome; Remove-Module BotBottle -ErrorAction SilentlyContinue }

Describe 'Enter-Bottle' {
    BeforeEach { $script:BotHome = New-BottleTestHome; Push-Location $TestDrive }
    AfterEach { Pop-Location }

    It 'refuses a bottle that is not running' {
        New-Bottle pester -Label cold | Out-Null
        { Enter-Bottle cold -ErrorAction Stop } | Should -Throw -ErrorId 'BottleNotRunning,BotBottle.PowerShell.Cmdlets.EnterBottleCommand'
    }

    It 'does nothing with -WhatIf' {
        New-Bottle pester -Label cold2 | Out-Null
        Enter-Bottle cold2 -WhatIf | Should -BeNullOrEmpty
    }

    It 'binds a Bottle from the pipeline' {
        $cmd = Get-Command Enter-Bottle
        $cmd.Parameters['InputObject'].ParameterSets.Values.ValueFromPipeline | Should -Contain $true
    }
}
