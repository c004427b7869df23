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

# Files an egress-allow proposal for a prepared bottle the way its sidecar does: an atomic JSON file in
# state/<slug>/proposals/pending. Returns the proposal id.
function New-TestProposal {
    param([Parameter(Mandatory)][string] $BottleName, [string] $HostName = 'api.example.net', [string] $Justification = 'tests need it')
    $id = '{0}-{1}' -f $BottleName, ([guid]::NewGuid().ToString('N').Substring(0, 13))
    $dir = Join-Path $env:BOT_BOTTLE_HOME "state/$BottleName/proposals/pending"
    New-Item -ItemType Directory -Path $dir -Force | Out-Null
    $payload = @{ routes = "routes:`n  - host: $HostName`n" } | ConvertTo-Json -Compress
    $proposal = [ordered]@{
        id = $id; bottleName = $BottleName; kind = 'egress-allow'; state = 'pending'; payload = $payload
        summary = "egress-allow $HostName"; justification = $Justification; filedAt = [DateTimeOffset]::UtcNow.ToString('o')
    }
    $tmp = Join-Path $dir ".$id.tmp"
    $proposal | ConvertTo-Json | Set-Content -Path $tmp -NoNewline
    Move-Item $tmp (Join-Path $dir "$id.json") -Force
    $id
}
