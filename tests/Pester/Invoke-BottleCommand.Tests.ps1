#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
    $script:Engine = Test-EngineAnswers
}
AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome; Remove-Module BotBottle -ErrorAction SilentlyContinue }

Describe 'Invoke-BottleCommand' {
    BeforeAll {
        if ($script:Engine) {
            $script:BotHome = New-BottleTestHome
            Push-Location $TestDrive
            Start-Bottle -Agent pester -Label cmd-target | Out-Null
        }
    }
    AfterAll { if ($script:Engine) { Remove-Bottle cmd-target -Force -Confirm:$false; Pop-Location } }

    It 'refuses a bottle that is not running' {
        $script:BotHome = New-BottleTestHome
        Push-Location $TestDrive
        try {
            New-Bottle pester -Label idle | Out-Null
            { Invoke-BottleCommand idle -Command true -ErrorAction Stop } | Should -Throw -ErrorId 'BottleNotRunning,BotBottle.PowerShell.Cmdlets.InvokeBottleCommandCommand'
        } finally { Pop-Location }
    }

    It 'streams stdout lines and sets LASTEXITCODE' -Skip:(-not $script:Engine) {
        $lines = Invoke-BottleCommand cmd-target -Command bash, -c, 'echo one; echo two'
        $lines | Should -Be @('one', 'two')
        $LASTEXITCODE | Should -Be 0
    }

    It 'reports a non-zero exit as BottleCommandFailed and -PassThru returns the result' -Skip:(-not $script:Engine) {
        { Invoke-BottleCommand cmd-target -Command false -ErrorAction Stop } | Should -Throw -ErrorId 'BottleCommandFailed,BotBottle.PowerShell.Cmdlets.InvokeBottleCommandCommand'
        $r = Invoke-BottleCommand cmd-target -Command bash, -c, 'echo out; echo err >&2; exit 3' -PassThru -ErrorAction SilentlyContinue
        $r.ExitCode | Should -Be 3
        $r.StandardOutput | Should -Be "out`n"
        $r.StandardError | Should -Be "err`n"
    }

    It 'runs nothing with -WhatIf' -Skip:(-not $script:Engine) {
        Invoke-BottleCommand cmd-target -Command touch, /tmp/whatif -WhatIf
        Invoke-BottleCommand cmd-target -Command bash, -c, 'test -e /tmp/whatif && echo yes || echo no' | Should -Be 'no'
    }
}
