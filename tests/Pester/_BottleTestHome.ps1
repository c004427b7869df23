# Shared setup for the lifecycle Pester files: a temporary BOT_BOTTLE_HOME with a plain shell bottle and agent.
# Tests that start bottles need a Docker engine; they are skipped (with the reason) when none answers.
function New-BottleTestHome {
    $botHome = Join-Path $TestDrive ([guid]::NewGuid())
    New-Item -ItemType Directory -Path "$botHome/bottles", "$botHome/agents" -Force | Out-Null
    @'
---
agent_provider:
  template: shell
egress:
  routes:
    - host: example.com
---
'@ | Set-Content "$botHome/bottles/pester.md"
    @'
---
bottle: pester
---
Pester test agent.
'@ | Set-Content "$botHome/agents/pester.md"
    $env:BOT_BOTTLE_HOME = $botHome
    $botHome
}

function Test-EngineAnswers {
    try { & docker version --format '{{.Server.APIVersion}}' 2>$null | Out-Null; $LASTEXITCODE -eq 0 } catch { $false }
}
