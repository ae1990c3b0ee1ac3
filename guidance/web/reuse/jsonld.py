"""schema.org's EducationalOccupationalProgram of a diploma's page (and its provider on a school's page): what search
engines read of a page, one shape for the CFD and the higher-education pages."""

from django.http import HttpRequest

from guidance.catalog.models import Formation, School


def program_json_ld(
    request: HttpRequest,
    formation: Formation,
    path: str,
    *,
    identifier: str,
    category: str,
    school: School | None = None,
) -> dict:
    data: dict = {
        "@context": "https://schema.org",
        "@type": "EducationalOccupationalProgram",
        "name": formation.label,
        "identifier": identifier,
        "url": request.build_absolute_uri(path),
        "inLanguage": "fr",
    }
    if formation.diploma_type:
        data["educationalCredentialAwarded"] = formation.diploma_type
    if formation.level_label:
        data["educationalLevel"] = formation.level_label
    if formation.duration_years:
        data["timeToComplete"] = f"P{formation.duration_years}Y"
    if category:
        data["occupationalCategory"] = category
    if school is not None:
        data["provider"] = {
            "@type": "EducationalOrganization",
            "name": school.display_name,
            "identifier": {"@type": "PropertyValue", "propertyID": "UAI", "value": school.uai},
        }
    return data
