using Cake.Core.IO;
using Cake.Docker;
using Xunit;

namespace Build.Tests.Docker;

/// <summary>The exact argument lists of the Cake.Docker-compatible aliases (Cake.Docker 1.5.0's conventions).</summary>
public sealed class DockerArgumentsTests
{
    private static string Render<TSettings>(string command, TSettings settings, params string[] arguments)
        where TSettings : AutoToolSettings =>
        DockerArguments.For(command, settings, arguments).Render();

    private static string Safe<TSettings>(string command, TSettings settings, params string[] arguments)
        where TSettings : AutoToolSettings =>
        DockerArguments.For(command, settings, arguments).RenderSafe();

    [Fact]
    public void A_build_passes_each_set_option_as_a_kebab_case_flag_in_declaration_order_and_quotes_values()
    {
        var settings = new DockerImageBuildSettings
        {
            BuildArg = ["VERSION=1.2", "MODE=release"],
            CacheFrom = ["bot:latest"],
            File = "/src/bot/Dockerfile",
            Iidfile = "/tmp/iid",
            Platform = "linux/amd64",
            Pull = true,
            Tag = ["bot:latest", "bot:id-1"],
            Target = "runtime",
        };

        Assert.Equal(
            "image build --build-arg \"VERSION=1.2\" --build-arg \"MODE=release\" --cache-from \"bot:latest\" --file \"/src/bot/Dockerfile\" " +
            "--iidfile \"/tmp/iid\" --platform \"linux/amd64\" --pull --tag \"bot:latest\" --tag \"bot:id-1\" --target \"runtime\" \"/src/bot\"",
            Render("image build", settings, "/src/bot"));
    }

    [Fact]
    public void Unset_and_false_options_are_not_passed_and_tool_settings_are_not_docker_flags()
    {
        var settings = new DockerImageBuildSettings { NoCache = false, Quiet = null, ToolTimeout = TimeSpan.FromMinutes(1), NoWorkingDirectory = true };

        Assert.Equal("image build \"ctx\"", Render("image build", settings, "ctx"));
    }

    [Fact]
    public void An_option_that_docker_defaults_to_true_is_passed_with_its_value_when_set()
    {
        Assert.Equal("image build --rm=false \"ctx\"", Render("image build", new DockerImageBuildSettings { Rm = false }, "ctx"));
        Assert.Equal("push --disable-content-trust=true \"reg/bot:1\"", Render("push", new DockerImagePushSettings { DisableContentTrust = true }, "reg/bot:1"));
    }

    [Fact]
    public void A_password_is_redacted_where_the_command_line_is_logged()
    {
        var settings = new DockerRegistryLoginSettings { Username = "ci", Password = "hunter2" };

        Assert.Equal("login --password \"hunter2\" --username \"ci\" \"registry.local:5000\"", Render("login", settings, "registry.local:5000"));
        Assert.DoesNotContain("hunter2", Safe("login", settings, "registry.local:5000"));
    }

    [Fact]
    public void Login_with_the_password_on_standard_input_has_no_password_in_its_arguments()
    {
        var settings = new DockerRegistryLoginSettings { Username = "ci", PasswordStdin = true };

        Assert.Equal("login --password-stdin --username \"ci\" \"registry.local:5000\"", Render("login", settings, "registry.local:5000"));
    }

    [Theory]
    [InlineData("tag", new[] { "tag" })]
    [InlineData("image inspect --format {{.Id}}", new[] { "image", "inspect", "--format", "{{.Id}}" })]
    [InlineData("image  ls", new[] { "image", "ls" })]
    public void A_command_of_several_words_is_split_at_spaces_as_Cake_Docker_does(string command, string[] words)
    {
        // One argument per word: a rendered string looks the same whether or not "image inspect" is one argument.
        var arguments = DockerArguments.For(command, new DockerCustomCommandSettings(), []).Select(argument => argument.Render());

        Assert.Equal(words, arguments);
    }

    [Theory]
    [InlineData("CacheFrom", "cache-from")]
    [InlineData("Iidfile", "iidfile")]
    [InlineData("PasswordStdin", "password-stdin")]
    [InlineData("DisableContentTrust", "disable-content-trust")]
    public void Property_names_become_kebab_case_flags(string property, string flag)
    {
        Assert.Equal(flag, DockerArguments.KebabCase(property));
    }

    [Fact]
    public void Pull_remove_save_and_load_render_their_options()
    {
        Assert.Equal("pull --all-tags --platform \"linux/arm64\" \"bot\"", Render("pull", new DockerImagePullSettings { AllTags = true, Platform = "linux/arm64" }, "bot"));
        Assert.Equal("rmi --force \"a\" \"b\"", Render("rmi", new DockerImageRemoveSettings { Force = true }, "a", "b"));
        Assert.Equal("save --output \"/tmp/a.tar\" \"a\"", Render("save", new DockerImageSaveSettings { Output = "/tmp/a.tar" }, "a"));
        Assert.Equal("load --input \"/tmp/a.tar\" --quiet", Render("load", new DockerImageLoadSettings { Input = "/tmp/a.tar", Quiet = true }));
    }
}
