namespace Cake.Frosting;

/// <summary>The description shown by <c>--description</c> and in the report.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class TaskDescriptionAttribute(string description) : Attribute
{
    public string Description { get; } = description ?? throw new ArgumentNullException(nameof(description));
}
