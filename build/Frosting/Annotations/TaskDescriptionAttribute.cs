namespace Cake.Frosting;

/// <summary>The description shown by <c>--description</c>.</summary>
/// <param name="description">The description.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class TaskDescriptionAttribute(string description) : Attribute
{
    /// <summary>The description.</summary>
    public string Description { get; } = description;
}
