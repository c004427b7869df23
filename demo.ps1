#Requires -Version 7.6
<#
.SYNOPSIS
    The main job, through the BotBottle PowerShell module: a real bottle on your Docker engine, from inside of which
    an allowed, an injected-credential, a refused, a DLP-blocked and an operator-approved request are made.
.DESCRIPTION
    Uses only the module's exported cmdlets (New-Bottle, Start-Bottle, Invoke-BottleCommand, Get-BottleProposal,
    Approve-BottleProposal, Get-BottleAuditLog, Get-Bottle, Remove-Bottle) in a throw-away BOT_BOTTLE_HOME, against a local HTTPS
    upstream (scripts/DemoUpstream.ps1) that records what reaches it. Prints each step with what a correct sandbox
    does and what was seen, removes the bottle, and exits 0 only if every step behaved. The CLI's `bot-bottle demo`
    runs the same scenario.
.PARAMETER Keep
    Leave the bottle and its temporary home in place (the report names the home).
.PARAMETER Format
    Text (default): one line per step and a summary. Json: one JSON object {bottle, ok, seconds, steps[], keptHome}.
.PARAMETER ModulePath
    The module manifest to import (default: the build in out/BotBottle/<version>/).
.EXAMPLE
    ./demo.sh                      # builds, then runs this script with the repository's pinned pwsh
.EXAMPLE
    pwsh ./demo.ps1 -Format Json | ConvertFrom-Json
#>
[CmdletBinding()]
param(
    [switch] $Keep,
    [ValidateSet('Text', 'Json')] [string] $Format = 'Text',
    [string] $ModulePath
)
$ErrorActionPreference = 'Stop'
if (-not $ModulePath) {
    $version = ([xml](Get-Content (Join-Path $PSScriptRoot 'Directory.Build.props'))).Project.PropertyGroup.VersionPrefix | Where-Object { $_ } | Select-Object -First 1
    $ModulePath = Join-Path $PSScriptRoot "out/BotBottle/$version/BotBottle.psd1"
}
Import-Module $ModulePath
. (Join-Path $PSScriptRoot 'scripts/DemoUpstream.ps1')

$DemoToken = 'demo-token-7f3a9c1e5b2d4f60'   # the value the sidecar injects for api.test (a demo value, not a credential)
$AwsKeyId = 'AKIAQ3EGRA7XWL5NPZ2K'            # shaped like an AWS access key id; the built-in DLP rules catch it
$steps = [System.Collections.Generic.List[object]]::new()
$total = [System.Diagnostics.Stopwatch]::StartNew()

function Add-Step([string] $Name, [string] $Expected, [string] $Observed, [bool] $Ok, [System.Diagnostics.Stopwatch] $Watch) {
    $step = [pscustomobject]@{ name = $Name; expected = $Expected; observed = $Observed; ok = $Ok; seconds = [math]::Round($Watch.Elapsed.TotalSeconds, 2) }
    $steps.Add($step)
    if ($Format -eq 'Text') { Write-Host ('{0} {1}: {2} ({3:0.0} s)' -f ($Ok ? 'ok  ' : 'FAIL'), $Name, $Observed, $step.seconds) -ForegroundColor ($Ok ? 'Green' : 'Red') }
}

function Write-Doing([string] $What) { if ($Format -eq 'Text') { Write-Host "...  $What" -ForegroundColor DarkGray } }

# Runs a bash script in the bottle; returns its result (ExitCode, StandardOutput, StandardError).
function Invoke-Agent([string] $Script) {
    Invoke-BottleCommand -InputObject $script:Bottle -Command bash, -c, $Script -PassThru -ErrorAction SilentlyContinue
}

# curl from inside the bottle: returns @{ Status; Reason } (Reason: the X-BotBottle-Reason header of a refusal).
function Invoke-AgentCurl([string] $HostName, [string] $Path, [string] $Extra = '') {
    $r = Invoke-Agent "curl -sS --max-time 30 $Extra -D /tmp/h -o /tmp/b -w '%{http_code}' 'https://${HostName}:$($upstream.Port)$Path'; printf ' %s' `"`$(tr -d '\r' </tmp/h | sed -n 's/^[Xx]-[Bb]ot[Bb]ottle-[Rr]eason: //p' | head -n1)`""
    $parts = "$($r.StandardOutput)".Trim().Split(' ', 2)
    @{ Status = $parts[0]; Reason = ($parts.Count -gt 1 ? $parts[1].Trim() : '') }
}

$root = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "bot-bottle-demo-$([guid]::NewGuid().ToString('N').Substring(0, 8))")).FullName
$previousHome = $env:BOT_BOTTLE_HOME
$env:BOT_BOTTLE_HOME = Join-Path $root 'home'
New-Item -ItemType Directory -Path "$env:BOT_BOTTLE_HOME/bottles", "$env:BOT_BOTTLE_HOME/agents", "$root/project" | Out-Null
$upstream = Start-DemoUpstream -CaPemPath (Join-Path $root 'demo-upstream-ca.pem')
@"
---
agent_provider:
  template: shell
env:
  DEMO_TOKEN: "?"
egress:
  routes:
    - host: demo.test
      ports: [$($upstream.Port)]
      allow_private: true
      dlp: {outbound_on_match: block}
    - host: api.test
      ports: [$($upstream.Port)]
      allow_private: true
      auth: {scheme: Bearer, token_ref: DEMO_TOKEN}
---
The bottle demo.ps1 runs: two allowed hosts on a local upstream, one of them with an injected token.
"@ | Set-Content "$env:BOT_BOTTLE_HOME/bottles/demo.md"
"---`nbottle: demo`ndescription: the demo agent (a shell)`n---`nYou are the demo agent.`n" | Set-Content "$env:BOT_BOTTLE_HOME/agents/demo.md"

$script:Bottle = $null
try {
    # 1. Prepare and start: New-Bottle | Start-Bottle -Detach.
    $w = [System.Diagnostics.Stopwatch]::StartNew()
    Write-Doing 'start: New-Bottle demo | Start-Bottle -Detach (the first run builds the images)'
    $aliases = @{ 'demo.test' = 'host-gateway'; 'api.test' = 'host-gateway'; 'other.test' = 'host-gateway' }
    $script:Bottle = New-Bottle demo -Path "$root/project" -Backend docker -Secret @{ DEMO_TOKEN = $DemoToken } |
        Start-Bottle -Secret @{ DEMO_TOKEN = $DemoToken } -UpstreamCa $upstream.CaPemPath -HostAlias $aliases -Detach
    Add-Step 'start' 'a running bottle: agent container on an internal network, sidecar as its only way out' `
        "bottle $($Bottle.Name) is $($Bottle.State) on $($Bottle.Backend)" ($Bottle.State -eq 'Running') $w

    # 2. Allowed, TLS intercepted: the certificate the agent sees was issued by the bottle's own CA.
    $w.Restart(); Write-Doing "allowed: GET https://demo.test:$($upstream.Port)/hello"
    $r = Invoke-Agent "curl -sS -v --max-time 30 -o /dev/null -w '%{http_code}' 'https://demo.test:$($upstream.Port)/hello' 2>/tmp/v; echo; sed -n 's/^\*  *issuer: //p' /tmp/v | head -n1"
    $lines = "$($r.StandardOutput)".Split("`n")
    $issuer = $lines.Count -gt 1 ? $lines[1].Trim() : '?'
    $reached = [bool]($upstream.Received | Where-Object Path -eq '/hello')
    Add-Step 'allowed' "200 from the upstream, over TLS the sidecar intercepts with the bottle's own CA" `
        "HTTP $($lines[0].Trim()); certificate issuer seen by the agent: $issuer; upstream received /hello: $reached" `
        ($lines[0].Trim() -eq '200' -and $reached -and $issuer -like "*BotBottle CA for $($Bottle.Name)*") $w

    # 3. The sidecar injects the credential; the agent never holds it.
    $w.Restart(); Write-Doing "credential: GET https://api.test:$($upstream.Port)/whoami without a token"
    $c = Invoke-AgentCurl 'api.test' '/whoami'
    $auth = @($upstream.Received | Where-Object Path -eq '/whoami')[-1].Authorization
    $leak = Invoke-Agent "grep -rsl '$DemoToken' /proc/self/environ /home /etc /tmp /workspace 2>/dev/null | head -n1; env | grep -c '$DemoToken' || true"
    $agentHasToken = "$($leak.StandardOutput)".Trim() -notin @('0', '')
    Add-Step 'credential' "200, the upstream sees 'Authorization: Bearer <token>' added by the sidecar; the token is nowhere in the agent's container" `
        "HTTP $($c.Status); upstream Authorization: $(if ($auth) { $auth.Replace($DemoToken, '<the DEMO_TOKEN secret>') } else { 'none' }); token found in the agent container: $agentHasToken" `
        ($c.Status -eq '200' -and $auth -eq "Bearer $DemoToken" -and -not $agentHasToken) $w

    # 4. Default deny: a host without a route.
    $w.Restart(); Write-Doing "no-route: GET https://other.test:$($upstream.Port)/data"
    $d = Invoke-AgentCurl 'other.test' '/data'
    $leaked = [bool]($upstream.Received | Where-Object Host -eq 'other.test')
    Add-Step 'no-route' '403 from the sidecar with X-BotBottle-Reason: NoRoute; nothing reaches other.test' `
        "HTTP $($d.Status), reason $(if ($d.Reason) { $d.Reason } else { 'none' }); upstream saw other.test: $leaked" ($d.Status -eq '403' -and $d.Reason -eq 'NoRoute' -and -not $leaked) $w

    # 5. DLP: an AWS access key in a POST body to an allowed host is blocked before it leaves.
    $w.Restart(); Write-Doing "dlp: POST https://demo.test:$($upstream.Port)/upload with an AWS access key id in the body"
    $x = Invoke-AgentCurl 'demo.test' '/upload' "-X POST -H 'Content-Type: application/json' --data '{`"aws_access_key_id`":`"$AwsKeyId`"}'"
    $uploaded = [bool]($upstream.Received | Where-Object Path -eq '/upload')
    Add-Step 'dlp' '403 with X-BotBottle-Reason: Dlp; the upstream never receives /upload' `
        "HTTP $($x.Status), reason $(if ($x.Reason) { $x.Reason } else { 'none' }); upstream received /upload: $uploaded" ($x.Status -eq '403' -and $x.Reason -eq 'Dlp' -and -not $uploaded) $w

    # 6. Supervise: the agent asks for other.test over MCP (in the background: the call waits for the operator).
    $w.Restart(); Write-Doing 'proposal: the agent calls the egress-allow MCP tool for other.test and waits'
    $call = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"egress-allow","arguments":{"routes":[{"host":"other.test","ports":[' + $upstream.Port + '],"allow_private":true}],"justification":"the demo task reads other.test"}}}'
    Invoke-Agent "printf '%s' '$call' > /tmp/call.json; setsid bash -c 'curl -sS --max-time 150 -H ""Content-Type: application/json"" -H ""Accept: application/json, text/event-stream"" --data-binary @/tmp/call.json ""`$BOT_BOTTLE_SUPERVISE_URL"" > /tmp/answer 2>&1; touch /tmp/answer.done' </dev/null >/dev/null 2>&1 &" | Out-Null
    $pending = $null
    foreach ($i in 1..240) {
        $pending = Get-BottleProposal -BottleName $Bottle.Name -State Pending | Where-Object Summary -like '*other.test*' | Select-Object -First 1
        if ($pending) { break }
        Start-Sleep -Milliseconds 250
    }
    $waiting = $pending -and ("$((Invoke-Agent 'test -e /tmp/answer.done && echo done || echo waiting').StandardOutput)".Trim() -eq 'waiting')
    Add-Step 'proposal' "a pending egress-allow proposal for other.test, the agent's call waiting for the operator" `
        $(if ($pending) { "proposal $($pending.Id) ($($pending.Kind)): $($pending.Summary); agent call waiting: $waiting" } else { 'no proposal arrived within 60 s' }) ([bool]$pending -and $waiting) $w

    if ($pending) {
        # 7. The operator approves; the agent's call returns 'approved'; other.test answers without a restart.
        $w.Restart(); Write-Doing "approved: Get-BottleProposal | Approve-BottleProposal ($($pending.Id))"
        Get-BottleProposal -Id $pending.Id | Approve-BottleProposal -Reason 'approved by demo.ps1' -Confirm:$false
        $answer = ''
        foreach ($i in 1..240) {
            $answer = "$((Invoke-Agent "test -e /tmp/answer.done && sed -n 's/^data: //p' /tmp/answer").StandardOutput)".Trim()
            if ($answer) { break }
            Start-Sleep -Milliseconds 250
        }
        $agentStatus = try { ($answer | ConvertFrom-Json).result.structuredContent.status } catch { if ($answer) { 'unreadable answer' } else { 'no answer' } }
        $after = ''
        foreach ($i in 1..40) {
            $after = (Invoke-AgentCurl 'other.test' '/data').Status
            if ($after -eq '200') { break }
            Start-Sleep -Milliseconds 250
        }
        Add-Step 'approved' "the agent's call returns 'approved'; other.test answers 200 in the same running bottle (no restart)" `
            "agent saw '$agentStatus'; GET other.test now HTTP $after" ($agentStatus -eq 'approved' -and $after -eq '200') $w
    }

    # 8. The audit log (Get-BottleAuditLog): both refusals and the approval. The sidecar reports its refusals in the
    #    background, so wait (bounded) for the import.
    $w.Restart(); Write-Doing "audit: Get-BottleAuditLog $($Bottle.Name)"
    $log = @(); $noRoute = $false; $dlpSeen = $false
    foreach ($i in 1..40) {
        $log = @(Get-BottleAuditLog $Bottle.Name)
        $noRoute = [bool]($log | Where-Object { $_.Event -eq 'egress-blocked' -and $_.Detail -like '*other.test*' })
        $dlpSeen = [bool]($log | Where-Object { $_.Event -eq 'egress-blocked' -and $_.Detail -like '*/upload*' })
        if ($noRoute -and $dlpSeen) { break }
        Start-Sleep -Milliseconds 250
    }
    $approvedSeen = [bool]($log | Where-Object Event -eq 'proposal-approved')
    Add-Step 'audit' "the audit log holds both refusals (egress-blocked) and the operator's approval" `
        "egress-blocked for other.test: $noRoute; for the AWS key sent to /upload: $dlpSeen; proposal-approved: $approvedSeen" ($noRoute -and $dlpSeen -and $approvedSeen) $w
} catch {
    Add-Step 'error' 'every step runs' "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" $false $total
} finally {
    if ($script:Bottle -and -not $Keep) {
        $w = [System.Diagnostics.Stopwatch]::StartNew(); Write-Doing "remove: Remove-Bottle $($Bottle.Name) -Force"
        try {
            Remove-Bottle -InputObject $script:Bottle -Force -Confirm:$false
            $gone = -not (Get-Bottle $script:Bottle.Name -ErrorAction SilentlyContinue)
            Add-Step 'remove' 'the bottle, its sidecar, networks and state are gone' "removed $($Bottle.Name); Get-Bottle finds it: $(-not $gone)" $gone $w
        } catch {
            Add-Step 'remove' 'the bottle, its sidecar, networks and state are gone' $_.Exception.Message $false $w
        }
    }
    Stop-DemoUpstream $upstream
    $keptHome = $Keep ? $env:BOT_BOTTLE_HOME : $null
    $env:BOT_BOTTLE_HOME = $previousHome
    if (-not $Keep) { Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue }
}

$ok = $steps.Count -gt 0 -and -not ($steps | Where-Object { -not $_.ok })
$report = [pscustomobject]@{ bottle = $script:Bottle.Name ?? '-'; ok = $ok; seconds = [math]::Round($total.Elapsed.TotalSeconds, 1); steps = $steps; keptHome = $keptHome }
if ($Format -eq 'Json') {
    $report | ConvertTo-Json -Depth 5
} elseif ($ok) {
    Write-Host "demo: every step behaved as expected ($($report.seconds) s, bottle $($report.bottle))."
} else {
    Write-Host "demo: $(@($steps | Where-Object { -not $_.ok }).Count) step(s) did not behave as expected (bottle $($report.bottle)); see above."
}
if ($keptHome) { Write-Host "kept: `$env:BOT_BOTTLE_HOME = '$keptHome'; Get-Bottle" }
exit ($ok ? 0 : 1)
