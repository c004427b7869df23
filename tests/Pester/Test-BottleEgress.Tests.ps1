#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
}
AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome }

Describe 'Test-BottleEgress' {
    BeforeEach {
        $script:BotHome = New-BottleTestHome
        Push-Location "$script:BotHome/project"
        $script:Routes = Join-Path $script:BotHome 'routes.yaml'
        @'
routes:
  - host: api.github.com
    matches:
      - methods: [GET]
  - host: uploads.example
    dlp: { outbound_on_match: redact }
'@ | Set-Content $script:Routes
    }
    AfterEach { Pop-Location; Remove-TestBottle -AndHome }

    It 'allows a listed request and blocks an unlisted host with the policy reason' {
        (Test-BottleEgress https://api.github.com/user -RoutesFile $script:Routes).Verdict | Should -Be 'Allow'
        $v = Test-BottleEgress https://example.com/ -RoutesFile $script:Routes
        $v.Verdict | Should -Be 'Block'
        $v.Reasons[0].Rule | Should -Be 'NoRoute'
    }

    It 'reports DLP findings with detector, rule and location' {
        $v = Test-BottleEgress https://uploads.example/x -Method POST -RoutesFile $script:Routes -Header @{ 'Content-Type' = 'application/json' } -Body '{"k":"AKIAQ2W3E4R5T6Y7U2I3"}'
        $v.Verdict | Should -Be 'Redact'
        $v.Reasons[0].Detector | Should -Be 'token_patterns'
        $v.Reasons[0].Location | Should -Be 'body:$.k'
    }

    It 'binds a Bottle from the pipeline' {
        $b = New-Bottle pester -Label egress-pipe
        ($b | Test-BottleEgress https://example.com/).Verdict | Should -Be 'Allow'
    }

    It 'outputs a typed verdict with every reason' {
        $v = Test-BottleEgress https://api.github.com/user -Method DELETE -RoutesFile $script:Routes
        Get-TypeName $v | Should -Be 'BotBottle.Egress.EgressVerdict'
        $v.Verdict | Should -Be 'Block'
        @($v.Reasons).Count | Should -BeGreaterThan 0
    }

    It 'reports a missing routes file as RoutesFileNotFound' {
        { Test-BottleEgress https://example.com/ -RoutesFile (Join-Path $script:BotHome 'none.yaml') -ErrorAction Stop } | Should -Throw -ErrorId 'RoutesFileNotFound,BotBottle.PowerShell.Cmdlets.TestBottleEgressCommand'
    }

    It 'reports bad input with InvalidRequest' {
        { Test-BottleEgress ftp://x/ -RoutesFile $script:Routes -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRequest,BotBottle.PowerShell.Cmdlets.TestBottleEgressCommand'
    }
}
