"""What the record apps put on the core's pages without the core naming them: their navigation entries and the
panels of a township's 工作台. Each app declares them on its AppConfig:

- `navigation`: [(label, URL name under /t/<code>/, Bootstrap icon)], in the order of INSTALLED_APPS;
- `dashboard_panels`: the dotted path of a function `panels(dashboard: Dashboard) -> [Panel]`.

The 工作台 includes each panel's `template` with the panel's `context` as `data`, slot by slot:
- "supervision": 督办 — a leader's 批示 on an overdue ticket or a long-open dispute, shown first, to the clerks
  until the record moves on (the disputes app's panel);
- "attention": what needs action now, one card each (`xilian/_attention_card.html` takes an `Attention`);
- "charts": the charts of the period and the tables behind them.
"""

from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse
from django.utils.module_loading import import_string

SLOTS = ("supervision", "attention", "charts")


@dataclass(frozen=True)
class Dashboard:
    """What a panel is built for: the township, who is looking, the period chosen (xilian.dashboard.Period), today,
    and the period's disputes and tickets month by month as the key figures were counted from them
    (reports.figures.PeriodBreakdown, of the period's year and the one before), for a panel to read, not count."""

    township: object
    user: object
    period: object
    today: object
    breakdown: object


@dataclass(frozen=True)
class Panel:
    slot: str
    template: str
    context: object
    order: int = 100


@dataclass(frozen=True)
class Attention:
    """A card of "needs action now": a count (or a state) and the list of the records it counts."""

    key: str
    label: str
    value: str
    url: str
    icon: str
    detail: str = ""
    alert: bool = False  # red: something is late


def attention_panel(attention, order):
    return Panel("attention", "xilian/_attention_card.html", attention, order)


def township_panels(dashboard):
    """{slot: [Panel]} from every app's `dashboard_panels`, each slot in the panels' order."""
    panels = [panel
              for config in apps.get_app_configs() if getattr(config, "dashboard_panels", None)
              for panel in import_string(config.dashboard_panels)(dashboard)]
    return {slot: sorted((p for p in panels if p.slot == slot), key=lambda p: p.order) for slot in SLOTS}


def township_navigation(township):
    """[(label, URL, icon)] of the apps' sections of a township, in the order of INSTALLED_APPS."""
    return [(label, reverse(name, kwargs={"township": township}), icon)
            for config in apps.get_app_configs()
            for label, name, icon in getattr(config, "navigation", ())]
