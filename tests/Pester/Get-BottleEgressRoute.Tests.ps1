#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
}
AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome }

Describe 'Get-BottleEgressRoute' {
    BeforeEach {
        $script:BotHome = New-BottleTestHome
        Push-Location "$script:BotHome/project"
        New-Bottle pester -Label routed | Out-Null
    }
    AfterEach { Pop-Location; Remove-TestBottle -AndHome }

    It "outputs the plan's routes as typed objects" {
        $r = Get-BottleEgressRoute routed
        Get-TypeName @($r)[0] | Should -Be 'BotBottle.Policy.BottleRoute'
        $r.Host | Should -Contain 'example.com'
    }

    It 'takes a Bottle from the pipeline and filters hosts with wildcards' {
        @(Get-Bottle routed | Get-BottleEgressRoute -HostName '*.none').Count | Should -Be 0
        (Get-Bottle routed | Get-BottleEgressRoute -HostName 'example.*').Host | Should -Be 'example.com'
    }

    It 'reports an unknown bottle with BottleNotFound' {
        { Get-BottleEgressRoute nope -ErrorAction Stop } | Should -Throw -ErrorId 'BottleNotFound,BotBottle.PowerShell.Cmdlets.GetBottleEgressRouteCommand'
    }
}
