using FluentValidation;

namespace Triton.Core.Data;

/// <summary>
/// The id of the row an input is about to update, passed to validators through the validation
/// context, so a unique-name rule does not collide with the row itself.
/// </summary>
public static class EditedEntity
{
    public const string Key = "editedId";

    public static int? Id(IValidationContext context) =>
        context.RootContextData.TryGetValue(Key, out var value) && value is int id ? id : null;

    public static ValidationContext<T> For<T>(T input, int? editedId)
    {
        var context = new ValidationContext<T>(input);
        if (editedId is int id) context.RootContextData[Key] = id;
        return context;
    }
}
