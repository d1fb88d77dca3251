namespace Triton.Web.Components.Layout;

/// <summary>
/// Marks a page that runs interactively (Blazor Server with MudBlazor). Every other page renders
/// statically and is excluded from interactive routing, so moving the admin over goes page by page.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class InteractivePageAttribute : Attribute;
