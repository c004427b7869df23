using BotBottle.Processes;

namespace BotBottle.Tests.Processes;

public class CommandLineFormatterTests
{
    [Fact]
    public void Plain_arguments_are_not_quoted_and_others_are_single_quoted()
    {
        var spec = new ProcessSpec("smolvm", "machine", "cp", "./prompt.md", "bb-x:/home/agent/prompt.md", "two words", "it's");
        Assert.Equal("smolvm machine cp ./prompt.md bb-x:/home/agent/prompt.md 'two words' 'it'\\''s'", spec.DisplayCommandLine);
    }

    [Fact]
    public void Environment_values_never_appear_in_the_display_command_line()
    {
        var spec = new ProcessSpec("git", "push") { Environment = new Dictionary<string, string?> { ["GIT_TOKEN"] = "s3cr3t-value" } };
        Assert.DoesNotContain("s3cr3t-value", spec.DisplayCommandLine, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", spec.ToString(), StringComparison.Ordinal);
    }
}
