#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.9.1' }

BeforeAll {
    Import-Module $env:BOTBOTTLE_MODULE_PATH -Force
    . (Join-Path $PSScriptRoot '_BottleTestHome.ps1')
    $script:OldHome = $env:BOT_BOTTLE_HOME
    $env:BOT_BOTTLE_HOME = Join-Path $TestDrive 'home'
    Copy-Item (Join-Path $PSScriptRoot '../../examples/home') $env:BOT_BOTTLE_HOME -Recurse
    $script:Project = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'project')
    Push-Location $script:Project
}

AfterAll {
    Pop-Location
    $env:BOT_BOTTLE_HOME = $script:OldHome
}

Describe 'Get-BottleAgent' {
    It 'lists every agent with bottle, provider and source' {
        $agents = Get-BottleAgent
        $agents.Name | Should -Be @('helper', 'reviewer')
        $reviewer = $agents | Where-Object Name -eq reviewer
        Get-TypeName $reviewer | Should -Be 'BotBottle.Manifest.BottleAgent'
        $reviewer.Bottle | Should -Be 'github-task'
        $reviewer.Provider | Should -Be 'claude'
        $reviewer.Source | Should -Be 'Home'
        $reviewer.IsValid | Should -BeTrue
        ($agents | Where-Object Name -eq helper).Bottle | Should -BeNullOrEmpty
    }

    It 'filters with wildcards and takes names from the pipeline' {
        (Get-BottleAgent rev*).Name | Should -Be 'reviewer'
        ('helper', 'reviewer' | Get-BottleAgent).Count | Should -Be 2
    }

    It 'writes AgentNotFound for a literal name that matches nothing' {
        { Get-BottleAgent nobody -ErrorAction Stop } | Should -Throw -ErrorId 'AgentNotFound,BotBottle.PowerShell.Cmdlets.GetBottleAgentCommand'
        Get-BottleAgent nob* | Should -BeNullOrEmpty
    }

    It 'includes project agents and warns about a project bottles folder' {
        New-Item -ItemType Directory -Force -Path (Join-Path $script:Project '.bot-bottle/agents'), (Join-Path $script:Project '.bot-bottle/bottles') | Out-Null
        Set-Content (Join-Path $script:Project '.bot-bottle/agents/local.md') "---`nbottle: shell`n---`n"
        $w = $null
        $local = Get-BottleAgent local -WarningVariable w -WarningAction SilentlyContinue
        $local.Source | Should -Be 'Project'
        $w | Should -Match 'ignored: bottles are read only from'
    }

    It 'lists the bottle definitions with -Bottle, merged through extends, secret names only' {
        $bottles = Get-BottleAgent -Bottle
        $bottles.Name | Should -Be @('claude', 'github-task', 'shell')
        $task = $bottles | Where-Object Name -eq github-task
        Get-TypeName $task | Should -Be 'BotBottle.Manifest.BottleSummary'
        $task.Chain | Should -Be @('claude', 'github-task')
        $task.Provider | Should -Be 'claude'
        $task.Hosts | Should -Contain 'api.github.com'
        $task.Secrets | Should -Be @('GITHUB_TOKEN')
        $task.Repositories | Should -Be @('origin')
        (Get-BottleAgent -Bottle sh*).Name | Should -Be 'shell'
        ($task | Format-Table | Out-String) | Should -Match 'github-task\s+claude\s+claude'
    }

    It 'writes BottleNotFound for a literal bottle name that matches nothing' {
        { Get-BottleAgent -Bottle nothing -ErrorAction Stop } | Should -Throw -ErrorId 'BottleNotFound,BotBottle.PowerShell.Cmdlets.GetBottleAgentCommand'
    }
}
