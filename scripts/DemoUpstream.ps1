# A small HTTPS upstream for the PowerShell demo (demo.ps1) and the Pester main-job test: it stands in for the
# outside services a bottle talks to. It listens on every host address (the sidecar reaches it through the engine
# host, 'host-gateway'), presents a leaf certificate for demo.test, api.test and other.test issued by its own CA
# (whose PEM the bottle's sidecar is told to trust with Start-Bottle -UpstreamCa), answers every request
# 200 "hello from <host><path>", and records what it received (method, host, path, Authorization header) so a
# caller can see what left the bottle. One connection at a time; each answer closes its connection.
#
#   . ./scripts/DemoUpstream.ps1
#   $up = Start-DemoUpstream -CaPemPath ./ca.pem      # $up.Port, $up.Received (a ConcurrentQueue of records)
#   Stop-DemoUpstream $up

using namespace System.Security.Cryptography
using namespace System.Security.Cryptography.X509Certificates

function Start-DemoUpstream {
    [CmdletBinding()]
    param(
        # Where to write the upstream CA's certificate (PEM), for Start-Bottle -UpstreamCa.
        [Parameter(Mandatory)] [string] $CaPemPath,
        # The names the leaf certificate covers.
        [string[]] $HostName = @('demo.test', 'api.test', 'other.test')
    )
    $now = [DateTimeOffset]::UtcNow
    $caKey = [ECDsa]::Create([ECCurve+NamedCurves]::nistP256)
    $caRequest = [CertificateRequest]::new('CN=BotBottle demo upstream CA', $caKey, [HashAlgorithmName]::SHA256)
    $caRequest.CertificateExtensions.Add([X509BasicConstraintsExtension]::new($true, $false, 0, $true))
    $caRequest.CertificateExtensions.Add([X509KeyUsageExtension]::new([X509KeyUsageFlags]::KeyCertSign -bor [X509KeyUsageFlags]::CrlSign, $true))
    $ca = $caRequest.CreateSelfSigned($now.AddDays(-1), $now.AddDays(2))

    $leafKey = [ECDsa]::Create([ECCurve+NamedCurves]::nistP256)
    $leafRequest = [CertificateRequest]::new("CN=$($HostName[0])", $leafKey, [HashAlgorithmName]::SHA256)
    $san = [SubjectAlternativeNameBuilder]::new()
    foreach ($h in $HostName) { $san.AddDnsName($h) }
    $leafRequest.CertificateExtensions.Add($san.Build())
    $leafRequest.CertificateExtensions.Add([X509BasicConstraintsExtension]::new($false, $false, 0, $false))
    $eku = [OidCollection]::new(); $null = $eku.Add([Oid]::new('1.3.6.1.5.5.7.3.1'))
    $leafRequest.CertificateExtensions.Add([X509EnhancedKeyUsageExtension]::new($eku, $false))
    $serial = [byte[]]::new(16); [RandomNumberGenerator]::Fill($serial)
    $issued = $leafRequest.Create($ca, $now.AddDays(-1), $now.AddDays(1), $serial)
    # A PKCS#12 round trip gives SslStream a certificate whose private key it can use on every platform.
    $pfx = [ECDsaCertificateExtensions]::CopyWithPrivateKey($issued, $leafKey).Export([X509ContentType]::Pfx)
    $leaf = [X509CertificateLoader]::LoadPkcs12($pfx, $null)
    Set-Content -LiteralPath $CaPemPath -Value $ca.ExportCertificatePem() -NoNewline

    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Any, 0)
    $listener.Start()
    $received = [System.Collections.Concurrent.ConcurrentQueue[object]]::new()
    $job = Start-ThreadJob -Name "demo-upstream-$($listener.LocalEndpoint.Port)" -ArgumentList $listener, $leaf, $received -ScriptBlock {
        param($listener, $leaf, $received)
        while ($true) {
            try { $client = $listener.AcceptTcpClient() } catch { return }   # Stop-DemoUpstream stops the listener.
            try {
                $client.ReceiveTimeout = 15000; $client.SendTimeout = 15000
                $tls = [System.Net.Security.SslStream]::new($client.GetStream(), $false)
                $tls.AuthenticateAsServer($leaf)
                $reader = [System.IO.StreamReader]::new($tls, [System.Text.Encoding]::ASCII, $false, 4096, $true)
                $requestLine = $reader.ReadLine()
                $headers = @{}
                while ($line = $reader.ReadLine()) {
                    $i = $line.IndexOf(':')
                    if ($i -gt 0) { $headers[$line.Substring(0, $i).Trim().ToLowerInvariant()] = $line.Substring($i + 1).Trim() }
                }
                $length = [int]($headers['content-length'] ?? 0)
                if ($length -gt 0) { $buffer = [char[]]::new($length); $null = $reader.ReadBlock($buffer, 0, $length) }
                $method, $target = $requestLine -split ' '
                $hostName = ($headers['host'] ?? '') -replace ':\d+$', ''
                $received.Enqueue([pscustomobject]@{ Method = $method; Host = $hostName; Path = $target; Authorization = $headers['authorization']; Headers = $headers })
                $body = [System.Text.Encoding]::UTF8.GetBytes("hello from $hostName$target`n")
                $head = [System.Text.Encoding]::ASCII.GetBytes("HTTP/1.1 200 OK`r`nContent-Type: text/plain`r`nContent-Length: $($body.Length)`r`nConnection: close`r`n`r`n")
                $tls.Write($head, 0, $head.Length); $tls.Write($body, 0, $body.Length); $tls.Flush()
            } catch {
                # A client that hangs up or fails the handshake ends only its own connection.
            } finally {
                $client.Dispose()
            }
        }
    }
    [pscustomobject]@{ Port = $listener.LocalEndpoint.Port; Received = $received; CaPemPath = $CaPemPath; Listener = $listener; Job = $job }
}

function Stop-DemoUpstream {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] $Upstream)
    process {
        $Upstream.Listener.Stop()
        $Upstream.Job | Wait-Job -Timeout 30 | Out-Null
        $Upstream.Job | Remove-Job -Force
    }
}
