# Shared helpers for the Pester files (dot-sourced in each file's BeforeAll).
#
# Tests that start bottles need the Docker engine; CI (.ci/run) always has one, so they never skip: without an
# engine they fail, saying how to start one.

# A fresh BOT_BOTTLE_HOME with a 'pester' bottle (shell template, one route) and a 'pester' agent, plus a project
# folder. Sets $env:BOT_BOTTLE_HOME and returns the home's path. Not under $TestDrive: Pester deletes what a child
# block (Context) created in TestDrive when that block ends, which would take a running bottle's state folder with it
# and leave its containers unreachable. Remove-TestBottle -AndHome deletes it.
function New-BottleTestHome {
    param([string] $Path = (Join-Path ([IO.Path]::GetTempPath()) "bb-pester-$([guid]::NewGuid().ToString('N').Substring(0, 12))"))
    New-Item -ItemType Directory -Path "$Path/bottles", "$Path/agents", "$Path/project" -Force | Out-Null
    @'
---
agent_provider:
  template: shell
egress:
  routes:
    - host: example.com
---
'@ | Set-Content "$Path/bottles/pester.md"
    "---`nbottle: pester`n---`nPester test agent.`n" | Set-Content "$Path/agents/pester.md"
    $env:BOT_BOTTLE_HOME = $Path
    $Path
}

# Throws (failing the test) when no Docker engine answers.
function Assert-EngineAnswers {
    $version = & docker version --format '{{.Server.APIVersion}}' 2>$null
    if ($LASTEXITCODE -ne 0 -or -not $version) {
        throw 'These tests run bottles on a Docker engine and none answers: start one (scripts/ensure-docker-engine.sh on Debian as root, Docker Desktop elsewhere).'
    }
}

# The engine objects (containers, networks, volumes) labelled with a bottle's slug: what Remove-Bottle must leave none of.
function Get-EngineLeftover {
    param([Parameter(Mandatory)][string] $Slug)
    $filter = "label=dev.botbottle.slug=$Slug"
    @(& docker ps -a --filter $filter --format 'container {{.Names}}') + @(& docker network ls --filter $filter --format 'network {{.Name}}') +
        @(& docker volume ls --filter $filter --format 'volume {{.Name}}') | Where-Object { $_ }
}

# Removes every bottle of the current test home (engine objects and state); a failure is shown, not hidden. With
# -AndHome, then deletes a home New-BottleTestHome made.
function Remove-TestBottle {
    param([switch] $AndHome)
    $problems = $null
    Get-Bottle -ErrorAction SilentlyContinue | Remove-Bottle -Force -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable problems
    foreach ($p in $problems) { Write-Warning "cleanup: $($p.FullyQualifiedErrorId): $($p.Exception.Message)" }
    if ($AndHome -and (Split-Path -Leaf $env:BOT_BOTTLE_HOME) -like 'bb-pester-*') {
        Remove-Item -LiteralPath $env:BOT_BOTTLE_HOME -Recurse -Force -ErrorAction SilentlyContinue
    }
}

# The .NET type name PowerShell records for an object (BotBottle's types live in the module's own load context,
# which PowerShell's type-literal resolution does not search by design, so tests compare names, not [type]s).
function Get-TypeName { param($InputObject) $InputObject.PSObject.TypeNames[0] }

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
