using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using BotBottle.Sidecar.Egress;
using BotBottle.Sidecar.Http;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace BotBottle.Sidecar.Supervise;

/// <summary>
/// The supervise MCP server (PRODUCT.md §6.2) on the bottle's internal address, Streamable HTTP transport
/// (https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#streamable-http) in stateless mode:
/// each <c>POST /mcp</c> carries one JSON-RPC message, handled by a fresh <see cref="McpServer"/> over a
/// <see cref="StreamableHttpServerTransport"/> (the ModelContextProtocol SDK does the protocol); responses stream
/// back as Server-Sent Events over a chunked response. The HTTP framing reuses the proxy's strict parser.
/// </summary>
internal sealed class SuperviseServer : IAsyncDisposable
{
    private const int MaxBodyBytes = 1024 * 1024;
    private readonly ConnectionListener _connections;
    private readonly McpServerOptions _options;
    private readonly EgressLog _log;

    public SuperviseServer(IPEndPoint endpoint, SuperviseTools tools, EgressLog log)
    {
        _log = log;
        _options = tools.CreateServerOptions();
        _connections = new ConnectionListener(endpoint, maxConnections: 32);
        _connections.Start(ServeAsync, ex => _log.Event("supervise-error", $"{ex.GetType().Name}: {ex.Message}"));
    }

    public IPEndPoint Endpoint => _connections.Endpoint;

    private async Task ServeAsync(Socket socket)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var reader = new BufferedReader(stream);
        while (!_connections.Stopping.IsCancellationRequested)
        {
            int length;
            using (var headTimeout = CancellationTokenSource.CreateLinkedTokenSource(_connections.Stopping))
            {
                headTimeout.CancelAfter(TimeSpan.FromMinutes(2));
                length = await reader.ReadHeadAsync(64 * 1024, headTimeout.Token).ConfigureAwait(false);
            }

            if (length <= 0)
            {
                return;
            }

            HttpHead head;
            try
            {
                head = HttpHead.ParseRequest(reader.Buffered[..length]);
            }
            catch (HttpParseException ex)
            {
                await Responses.WriteErrorAsync(stream, ex.Status, Responses.Reason(ex.Status), ex.Message, close: true, _connections.Stopping).ConfigureAwait(false);
                return;
            }

            reader.Consume(length);
            var path = head.Target.Split('?')[0];
            if (path != "/mcp")
            {
                await HttpBody.DiscardRequestBodyAsync(reader, head, 64 * 1024, _connections.Stopping).ConfigureAwait(false);
                await Responses.WriteAsync(stream, 404, "Not Found", "text/plain", "the supervise MCP endpoint is POST /mcp\n"u8.ToArray(), [], close: !head.KeepAlive, _connections.Stopping).ConfigureAwait(false);
                if (!head.KeepAlive)
                {
                    return;
                }

                continue;
            }

            if (head.Method != "POST")
            {
                // Stateless server: no standalone SSE stream (GET) and no sessions to delete (DELETE).
                await HttpBody.DiscardRequestBodyAsync(reader, head, 64 * 1024, _connections.Stopping).ConfigureAwait(false);
                await Responses.WriteAsync(stream, 405, "Method Not Allowed", "text/plain", "POST JSON-RPC messages to /mcp\n"u8.ToArray(), [("Allow", "POST")], close: !head.KeepAlive, _connections.Stopping).ConfigureAwait(false);
                if (!head.KeepAlive)
                {
                    return;
                }

                continue;
            }

            PooledBody? received;
            using (var bodyTimeout = CancellationTokenSource.CreateLinkedTokenSource(_connections.Stopping))
            {
                bodyTimeout.CancelAfter(TimeSpan.FromSeconds(60)); // slow senders are cut off
                received = await HttpBody.ReadRequestBodyAsync(reader, head, MaxBodyBytes, bodyTimeout.Token).ConfigureAwait(false);
            }

            using var body = received;
            if (body is null)
            {
                await Responses.WriteAsync(stream, 413, "Content Too Large", "text/plain", "message too large\n"u8.ToArray(), [], close: true, _connections.Stopping).ConfigureAwait(false);
                return;
            }

            JsonRpcMessage? message;
            try
            {
                message = (JsonRpcMessage?)JsonSerializer.Deserialize(body.Memory.Span, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage)));
            }
            catch (JsonException ex)
            {
                var error = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":" + JsonSerializer.Serialize("Parse error: " + ex.Message, SuperviseJsonContext.Default.String) + "}}";
                await Responses.WriteAsync(stream, 400, "Bad Request", "application/json", Encoding.UTF8.GetBytes(error), [], close: !head.KeepAlive, _connections.Stopping).ConfigureAwait(false);
                if (!head.KeepAlive)
                {
                    return;
                }

                continue;
            }

            if (message is not JsonRpcRequest)
            {
                // Notifications and responses are accepted with no body (202, per the transport spec).
                await Responses.WriteAsync(stream, 202, "Accepted", "text/plain", [], [], close: !head.KeepAlive, _connections.Stopping).ConfigureAwait(false);
                if (!head.KeepAlive)
                {
                    return;
                }

                continue;
            }

            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache, no-store\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray(), _connections.Stopping).ConfigureAwait(false);
            await stream.FlushAsync(_connections.Stopping).ConfigureAwait(false);
            var sse = new ChunkedWriteStream(stream);
            var transport = new StreamableHttpServerTransport(null) { Stateless = true };
            await using (var server = McpServer.Create(transport, _options))
            {
                using var runCts = CancellationTokenSource.CreateLinkedTokenSource(_connections.Stopping);
                var run = server.RunAsync(runCts.Token);
                try
                {
                    await transport.HandlePostRequestAsync(message, sse, _connections.Stopping).ConfigureAwait(false);
                }
                finally
                {
                    await transport.DisposeAsync().ConfigureAwait(false);
                    await runCts.CancelAsync().ConfigureAwait(false);
                    try
                    {
                        await run.ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            }

            await sse.CompleteAsync(_connections.Stopping).ConfigureAwait(false);
            if (!head.KeepAlive)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connections.DisposeAsync().ConfigureAwait(false);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class SuperviseJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
