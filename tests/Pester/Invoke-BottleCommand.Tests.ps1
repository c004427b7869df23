#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
}
AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome }

Describe 'Invoke-BottleCommand' {
    BeforeAll {
        $script:BotHome = New-BottleTestHome
        Push-Location "$script:BotHome/project"
    }
    AfterAll { Pop-Location; Remove-TestBottle -AndHome }

    It 'refuses a bottle that is not running' {
        New-Bottle pester -Label idle | Out-Null
        { Invoke-BottleCommand idle -Command true -ErrorAction Stop } | Should -Throw -ErrorId 'BottleNotRunning,BotBottle.PowerShell.Cmdlets.InvokeBottleCommandCommand'
    }

    Context 'in a running bottle (real engine)' -Tag Engine {
        BeforeAll {
            Assert-EngineAnswers
            Start-Bottle -Agent pester -Label cmd-target | Out-Null
        }

        It 'streams stdout lines and sets LASTEXITCODE' {
            $lines = Invoke-BottleCommand cmd-target -Command bash, -c, 'echo one; echo two'
            $lines | Should -Be @('one', 'two')
            $LASTEXITCODE | Should -Be 0
        }

        It 'reports a non-zero exit as BottleCommandFailed and -PassThru returns the result' {
            { Invoke-BottleCommand cmd-target -Command false -ErrorAction Stop } | Should -Throw -ErrorId 'BottleCommandFailed,BotBottle.PowerShell.Cmdlets.InvokeBottleCommandCommand'
            $r = Invoke-BottleCommand cmd-target -Command bash, -c, 'echo out; echo err >&2; exit 3' -PassThru -ErrorAction SilentlyContinue
            $r.ExitCode | Should -Be 3
            $r.StandardOutput | Should -Be "out`n"
            $r.StandardError | Should -Be "err`n"
        }

        It 'runs nothing with -WhatIf' {
            Invoke-BottleCommand cmd-target -Command touch, /tmp/whatif -WhatIf
            Invoke-BottleCommand cmd-target -Command bash, -c, 'test -e /tmp/whatif && echo yes || echo no' | Should -Be 'no'
        }

        It 'takes the bottle from the pipeline and runs as the agent user in the workspace' {
            Get-Bottle cmd-target | Invoke-BottleCommand -Command bash, -c, 'id -un; pwd' | Should -Be @('agent', '/workspace')
        }
    }
}
