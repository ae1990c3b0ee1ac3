// "Autour de moi" (progressive enhancement: the place form works without it). The browser's position, rounded to
// about a kilometre, is turned into the nearest commune by our own server (which keeps nothing), then the form is
// sent as if the visitor had typed that commune. Nothing is stored, nothing is sent to anyone else.
const zones = document.querySelectorAll("[data-place-me]");

if ("geolocation" in navigator) {
    zones.forEach((zone) => {
        zone.hidden = false;
    });
}

function say(zone, text) {
    const status = zone.querySelector("[data-place-me-status]");
    if (status) {
        status.textContent = text;
    }
}

async function useCommune(zone, latitude, longitude) {
    const form = zone.closest("form");
    const query = new URLSearchParams({ lat: latitude.toFixed(2), lon: longitude.toFixed(2) });
    const response = await fetch(`${zone.dataset.placeMeUrl}?${query}`, { headers: { Accept: "application/json" } });
    if (!response.ok) {
        say(zone, "Aucune commune trouvée près de votre position : indiquez votre ville.");
        return;
    }
    const place = await response.json();
    form.querySelector("input[name=lieu]").value = place.nom;
    let commune = form.querySelector("input[name=commune]");
    if (!commune) {
        commune = document.createElement("input");
        commune.type = "hidden";
        commune.name = "commune";
        form.append(commune);
    }
    commune.value = place.commune;
    say(zone, `Position comprise : ${place.nom}.`);
    form.requestSubmit();
}

document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-place-me-button]");
    if (!button) {
        return;
    }
    const zone = button.closest("[data-place-me]");
    say(zone, "Recherche de votre position…");
    navigator.geolocation.getCurrentPosition(
        (position) => {
            useCommune(zone, position.coords.latitude, position.coords.longitude).catch(() => {
                say(zone, "Position non disponible : indiquez votre ville.");
            });
        },
        () => say(zone, "Position non disponible : indiquez votre ville."),
        { enableHighAccuracy: false, maximumAge: 600000, timeout: 10000 },
    );
});
