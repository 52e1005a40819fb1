using System.Globalization;
using System.Reflection;
using System.Text;
using Cake.Core;
using Cake.Core.IO;

namespace Cake.Docker;

/// <summary>Turns a settings object into docker flags, by Cake.Docker's conventions (see <see cref="AutoToolSettings"/>).</summary>
public static class DockerArguments
{
    /// <summary><c>COMMAND FLAGS... ARGUMENTS...</c>, e.g. <c>image build --tag "a:1" "path"</c>.</summary>
    public static ProcessArgumentBuilder For<TSettings>(string command, TSettings settings, IEnumerable<string> arguments)
        where TSettings : AutoToolSettings
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = new ProcessArgumentBuilder();
        foreach (var word in command.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            builder.Append(word);
        }

        AppendFlags(builder, settings);
        foreach (var argument in arguments)
        {
            builder.AppendQuoted(argument);
        }

        return builder;
    }

    /// <summary>
    /// The flags of the properties the settings class itself declares (not the inherited tool settings such
    /// as <c>ToolTimeout</c>, which are not docker's), in declaration order.
    /// </summary>
    public static void AppendFlags<TSettings>(ProcessArgumentBuilder builder, TSettings settings)
        where TSettings : AutoToolSettings
    {
        foreach (var property in settings.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        {
            var flag = "--" + KebabCase(property.Name);
            var secret = settings.SecretProperties.Contains(property.Name);
            switch (property.GetValue(settings))
            {
                case bool value when property.GetCustomAttribute<TrueByDefaultAttribute>() is not null:
                    builder.Append($"{flag}={(value ? "true" : "false")}");
                    break;
                case true:
                    builder.Append(flag);
                    break;
                case string value when value.Length > 0:
                    AppendValue(builder, flag, value, secret);
                    break;
                case string[] values:
                    foreach (var value in values)
                    {
                        AppendValue(builder, flag, value, secret);
                    }

                    break;
                case int or long or ulong or ushort:
                    builder.Append(flag);
                    builder.Append(Convert.ToString(property.GetValue(settings), CultureInfo.InvariantCulture)!);
                    break;
                case TimeSpan value:
                    builder.Append(flag);
                    builder.Append(((long)value.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s");
                    break;
            }
        }
    }

    /// <summary><c>CacheFrom</c> -> <c>cache-from</c>, <c>Iidfile</c> -> <c>iidfile</c>.</summary>
    public static string KebabCase(string name)
    {
        var text = new StringBuilder();
        foreach (var (character, index) in name.Select((c, i) => (c, i)))
        {
            if (char.IsUpper(character) && index > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(character));
        }

        return text.ToString();
    }

    private static void AppendValue(ProcessArgumentBuilder builder, string flag, string value, bool secret)
    {
        builder.Append(flag);
        if (secret)
        {
            builder.AppendQuotedSecret(value);
        }
        else
        {
            builder.AppendQuoted(value);
        }
    }
}
