#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }
BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME

    # Runs $Script in a new runspace of this process (the module imported there too) and returns the PowerShell
    # instance, started: its Streams.Progress holds the progress records a host would draw.
    function Start-InRunspace([string] $Script) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Set-Location -LiteralPath '$script:BotHome/project'; Import-Module '$env:BOTBOTTLE_MODULE_PATH'; $Script")
        @{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
    }
}
AfterAll { $env:BOT_BOTTLE_HOME = $script:OldHome }

Describe 'Start-Bottle' {
    BeforeEach { $script:BotHome = New-BottleTestHome; Push-Location "$script:BotHome/project" }
    AfterEach { Pop-Location; Remove-TestBottle -AndHome }

    It 'starts nothing with -WhatIf' {
        $b = New-Bottle pester -Label whatif
        $b | Start-Bottle -WhatIf | Should -BeNullOrEmpty
        (Get-Bottle whatif).State | Should -Be 'Prepared'
    }

    It 'rejects an unknown backend before doing anything' {
        { Start-Bottle -Agent pester -Backend vmware -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,BotBottle.PowerShell.Cmdlets.StartBottleCommand'
        Join-Path $script:BotHome 'state' | Should -Not -Exist
    }

    It 'reports a missing bottle as BottleNotFound' {
        { Start-Bottle nope -ErrorAction Stop } | Should -Throw -ErrorId 'BottleNotFound,BotBottle.PowerShell.Cmdlets.StartBottleCommand'
    }

    It 'refuses -Detach with -Prompt as InvalidRequest before doing anything' {
        $err = { Start-Bottle -Agent pester -Detach -Prompt 'do it' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRequest,BotBottle.PowerShell.Cmdlets.StartBottleCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Join-Path $script:BotHome 'state' | Should -Not -Exist
    }

    It 'starts a prepared bottle from the pipeline and returns it running, with -Detach (real engine)' -Tag Engine {
        Assert-EngineAnswers
        $b = New-Bottle pester -Label piped-start | Start-Bottle -Detach
        Get-TypeName $b | Should -Be 'BotBottle.Instances.Bottle'
        $b.State | Should -Be 'Running'
        $b.Backend | Should -Be 'docker'
        $b.Services['sidecar'] | Should -Be 'running'
        & docker ps --filter 'label=dev.botbottle.slug=piped-start' --format '{{.Names}}' | Should -HaveCount 2
    }

    It 'with -Prompt, an agent that exits 0 ends the session and its bottle is removed (real engine)' -Tag Engine {
        Assert-EngineAnswers
        # The shell provider runs the prompt with bash -lc, so the prompt decides the exit code.
        $result = Start-Bottle -Agent pester -Label session-ok -Prompt 'echo finished-the-task; exit 0'
        $result.ExitCode | Should -Be 0
        Get-EngineLeftover -Slug session-ok | Should -BeNullOrEmpty
        Join-Path $script:BotHome 'state/session-ok' | Should -Not -Exist
        Get-Bottle session-ok -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'with -Prompt, an agent that fails keeps its bottle running and reports AgentFailed with what to do (real engine)' -Tag Engine {
        Assert-EngineAnswers
        $err = { Start-Bottle -Agent pester -Label session-failed -Prompt 'exit 3' -ErrorAction Stop } |
            Should -Throw -ErrorId 'AgentFailed,BotBottle.PowerShell.Cmdlets.StartBottleCommand' -PassThru
        $err.Exception.Message | Should -BeLike '*exited 3*Start-Bottle session-failed -Prompt*Enter-Bottle session-failed*Remove-Bottle session-failed -Force*'
        (Get-Bottle session-failed).State | Should -Be 'Running'
    }

    It 'writes progress records while it builds an image and starts (real engine)' -Tag Engine {
        Assert-EngineAnswers
        # A one-off agent image: the shell recipe plus a unique label, so this start really builds (the apt layers come
        # from the engine's cache) and streams the build as progress.
        $context = New-Item -ItemType Directory -Path (Join-Path $TestDrive "image-$([guid]::NewGuid().ToString('N'))")
        @(Get-Content (Join-Path $PSScriptRoot '../../images/shell/Dockerfile')) + "LABEL dev.botbottle.pester=$([guid]::NewGuid())" | Set-Content "$context/Dockerfile"
        "---`nagent_provider:`n  template: shell`n  dockerfile: $context/Dockerfile`n---`n" | Set-Content "$script:BotHome/bottles/built.md"
        "---`nbottle: built`n---`n" | Set-Content "$script:BotHome/agents/built.md"

        $run = Start-InRunspace 'Start-Bottle -Agent built -Label progress-probe'
        $out = $run.PowerShell.EndInvoke($run.Handle)
        $run.PowerShell.Streams.Error | Should -BeNullOrEmpty
        $out[0].State | Should -Be 'Running'
        $records = @($run.PowerShell.Streams.Progress)
        $build = @($records | Where-Object Activity -like 'Image bot-bottle/custom-*')
        $build.Count | Should -BeGreaterThan 2 -Because 'the build output streams as progress'
        $build[-1].RecordType | Should -Be 'Completed'
        foreach ($step in 'networks', 'sidecar', 'agent', 'provisioning') {
            $records.StatusDescription | Should -Contain "progress-probe: $step"
        }
        $tag = $build[0].Activity -replace '^Image ', ''
        Remove-Bottle progress-probe -Force -Confirm:$false
        & docker rmi $tag 2>&1 | Out-Null
    }

    It 'Ctrl+C (StopProcessing) during a start leaves no container or network behind (real engine)' -Tag Engine {
        Assert-EngineAnswers
        New-Bottle pester -Label interrupted | Out-Null
        $run = Start-InRunspace 'Start-Bottle interrupted'
        # Stop once the start has created its networks and is starting the sidecar.
        $reached = $false
        foreach ($i in 1..3000) {
            if ($run.PowerShell.Streams.Progress.StatusDescription -contains 'interrupted: sidecar') { $reached = $true; break }
            if ($run.Handle.IsCompleted) { break }
            Start-Sleep -Milliseconds 100
        }
        $reached | Should -BeTrue -Because 'the start reports its sidecar step before it is stopped'
        $run.PowerShell.Stop()
        $run.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped' -Because 'the start was interrupted, not finished'
        Get-EngineLeftover interrupted | Should -BeNullOrEmpty
        $b = Get-Bottle interrupted
        $b.State | Should -Be 'Failed'
        $b.Error | Should -Be 'start was cancelled'
    }
}
