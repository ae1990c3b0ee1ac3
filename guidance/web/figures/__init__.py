"""The one home of figure presentation, shared by every page area.

- `models`: the frozen values the figure templates read (`templates/includes/figures/`);
- `wording`: every French sentence about figures (missing causes, the fallback sentence, voie labels);
- `questions`: which questions a place needs (the fallback chain school → region → France, the one batcher);
- `present`: a service result → a panel, a fallback chain, an evolution table;
- `depp` and `provenance`: the school-level indicators (DEPP) and where a school's figures come from.

Areas (`formations`, `schools`, `compare`, `pages`) import these modules, never each other.
"""
