"""The one home of figure presentation, shared by every page area.

- `models`: the frozen values the figure templates read (`templates/includes/figures/`);
- `wording`: every French sentence about figures (missing causes, the fallback sentence, voie labels);
- `questions`: which questions a place needs (the fallback chain school → region → France, the one batcher);
- `present`: a service result → a panel, a fallback chain, an evolution table;
- `depp` and `provenance`: the school-level indicators (DEPP) and where a school's figures come from;
- `answer` and `peerword`: the answer block every page opens with (ten people, the employment rate among leavers,
  the newest 12- and 24-month figures with their promotion, a word against comparable diplomas);
- `reach`: whether the figures come from the real API or the offline replica (what the open data cannot hold).

Areas (`formations`, `schools`, `compare`, `pages`) import these modules, never each other.
"""
