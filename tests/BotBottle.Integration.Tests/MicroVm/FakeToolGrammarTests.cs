using BotBottle.Processes;

namespace BotBottle.Tests.MicroVm;

/// <summary>
/// The fake <c>smolvm</c>/<c>container</c> scripts refuse, as real processes, exactly what the real parsers refuse
/// (<see cref="CliGrammar"/>, from the upstream source): same exit code, same message as the in-process check, and
/// for the recorded cases the real tool's first error line.
/// </summary>
public sealed class FakeToolGrammarTests
{
    [Theory]
    [InlineData("smolvm", "machine exec --name m -u 0:0 -- id", 2)]
    [InlineData("smolvm", "machine exec --name m --user root -- id", 2)]
    [InlineData("smolvm", "machine exec --name m -w /workspace -e HOME=/root -i -t -- sh", 0)]
    [InlineData("smolvm", "machine exec --name m -- setpriv --reuid=1000 --regid=1000 --init-groups -- id -u", 0)]
    [InlineData("smolvm", "machine create --name m --image /x.tar --net-backend virtio-net --allow-cidr 10.0.0.2/32 --dns 10.0.0.2 --label a=b -e K=V -- sleep infinity", 0)]
    [InlineData("smolvm", "machine create --name m --net-backend vhost --allow-cidr 10.0.0.2/32", 2)]
    [InlineData("smolvm", "machine create --name m --image /x.tar --net-backend tsi --allow-cidr 10.0.0.2/32 -- sleep infinity", 1)]
    [InlineData("smolvm", "machine create --name m --image /x.tar --net-backend tsi -- sleep infinity", 0)]
    [InlineData("smolvm", "machine create --name m sleep", 2)]
    [InlineData("smolvm", "machine cp --mode 644 --uid 0 --gid 0 /tmp/a m:/etc/a", 0)]
    [InlineData("smolvm", "machine cp --owner 0 /tmp/a m:/etc/a", 2)]
    [InlineData("smolvm", "machine status --name m --json", 0)]
    [InlineData("smolvm", "machine delete --name m -f", 0)]
    [InlineData("smolvm", "machine ls --json", 0)]
    [InlineData("smolvm", "machine start --name m --ip 10.0.0.2", 2)]
    [InlineData("smolvm", "machine teleport --name m", 2)]
    [InlineData("container", "exec -u 0:0 -w / -e HOME=/root bot-bottle-x sh -c true", 0)]
    [InlineData("container", "exec -x bot-bottle-x id", 64)]
    [InlineData("container", "run -d --name a --network n1 --network n2 -e K=V -l k=v -v /a:/b -u 1:1 -w /w --dns 10.0.0.2 img sleep infinity", 0)]
    [InlineData("container", "run -d --name a --ip 10.0.0.2 img", 64)]
    [InlineData("container", "network create --internal --label a=b n", 0)]
    [InlineData("container", "network create --host-only n", 64)]
    [InlineData("container", "cp /a b:/c", 0)]
    [InlineData("container", "cp /a b:/c extra", 64)]
    [InlineData("container", "list --all --format json", 0)]
    [InlineData("container", "list --all --format xml", 64)]
    [InlineData("container", "start bot-bottle-x", 0)]
    [InlineData("container", "stop bot-bottle-x", 0)]
    [InlineData("container", "delete --force bot-bottle-x", 0)]
    [InlineData("container", "system status", 0)]
    public async Task The_fake_process_and_the_grammar_agree(string tool, string line, int exit)
    {
        using var fake = new FakeTool(tool);
        var args = line.Split(' ');
        var r = await ProcessRunner.Default.RunAsync(new ProcessSpec(fake.ToolPath, args));
        var expected = fake.Grammar.Check(args);
        Assert.Equal(exit, r.ExitCode);
        Assert.Equal(expected?.Exit ?? 0, r.ExitCode);
        Assert.Equal(expected?.Stderr ?? string.Empty, r.StandardError);
    }

    [Theory]
    [InlineData("smolvm", "machine exec --name bot-bottle-dev-test -u 0:0 -- id", "exec-u.stderr")]
    [InlineData("container", "exec -x bot-bottle-dev-test id", "exec-unknown-option.stderr")]
    public async Task The_fake_prints_the_real_tools_first_error_line(string tool, string line, string fixture)
    {
        using var fake = new FakeTool(tool);
        var r = await ProcessRunner.Default.RunAsync(new ProcessSpec(fake.ToolPath, line.Split(' ')));
        Assert.Equal(FakeFixtures.Read(tool, fixture).Split('\n')[0], r.StandardError.Split('\n')[0]);
        Assert.Equal(fake.Grammar.UsageExitCode, r.ExitCode);
    }

    [Fact]
    public async Task A_refused_run_is_still_logged_and_never_reaches_the_scripted_answers()
    {
        using var fake = new FakeTool("smolvm");
        fake.On("machine exec", stdout: "should not be printed");
        var r = await ProcessRunner.Default.RunAsync(new ProcessSpec(fake.ToolPath, "machine", "exec", "--name", "m", "-u", "0:0", "--", "id"));
        Assert.Equal(2, r.ExitCode);
        Assert.Empty(r.StandardOutput);
        Assert.Equal(["machine", "exec", "--name", "m", "-u", "0:0", "--", "id"], Assert.Single(fake.Calls));
    }
}
