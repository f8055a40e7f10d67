"""One replication of an experiment, as a local worker or a cluster worker runs it.

Replication ``i`` of an experiment with root seed ``s`` uses child ``i`` of
``SeedSequence(s)`` (:func:`sim.model.rng.replication_seeds`), whichever process runs it.

An experiment may carry an :class:`Extension` (docs/extending.md): a callable ``extend(rep)``
applied to each :class:`~sim.model.replication.Replication` before it runs, and a dispatch rule
object. Both are pickled once, in the caller's process, and every replication unpickles its own
copy, so each starts from the same state whichever process runs it, and results stay
byte-identical for any number of workers."""

from __future__ import annotations

import functools
import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass

from sim.model.dispatch_rules import Rule
from sim.model.replication import Replication
from sim.model.rng import replication_seeds
from sim.results.kpis import counted_kpis
from sim.results.summary import RepResult
from sim.results.workload import backlog_series
from sim.world.build import World

_ACCEPTED = "a module-level function or class, or a functools.partial of one"


@dataclass(frozen=True)
class Extension:
    """An experiment's ``extend`` callable and dispatch ``rule``, pickled (``blob``), with a
    short description of each for messages (``label``)."""

    blob: bytes
    label: str

    def fresh(self) -> tuple[Callable[[Replication], object] | None, Rule | None]:
        """A new copy of ``(extend, rule)`` for one replication."""
        return pickle.loads(self.blob)


def _describe(value: object) -> str:
    """``module.name`` of a function or class, of an object's class, or ``partial(...)`` of it."""
    if isinstance(value, functools.partial):  # with its arguments: two partials of one function differ
        args = [
            _describe(value.func),
            *map(repr, value.args),
            *(f"{k}={v!r}" for k, v in value.keywords.items()),
        ]
        return f"functools.partial({', '.join(args)})"
    if not hasattr(value, "__qualname__"):
        value = type(value)
    return f"{getattr(value, '__module__', '?')}.{value.__qualname__}"


def _why(value: object, exc: Exception) -> str:
    """Why ``value`` does not pickle, in a few words."""
    inner = value.func if isinstance(value, functools.partial) else value
    name = getattr(inner, "__qualname__", None) or type(inner).__qualname__
    if "<lambda>" in name:
        return "it is a lambda"
    if "<locals>" in name:
        return f"{name} is defined inside a function"
    return re.sub(r" at 0x[0-9a-f]+", "", f"{type(exc).__name__}: {exc}")


def extension(extend: Callable[[Replication], object] | None, rule: Rule | None) -> Extension | None:
    """Check and pickle an experiment's ``extend`` and ``rule`` (None when both are None).

    Worker processes receive them pickled, so both must pickle by reference: a lambda, a
    function defined inside another (a closure) or an instance of such a class is refused
    here, with one message, before any replication runs (whatever the number of workers, so
    that a script does not change behaviour when it is given more)."""
    if extend is None and rule is None:
        return None
    if extend is not None and not callable(extend):
        raise TypeError(
            f"extend={extend!r} is not callable; expected a function extend(rep) called on each "
            "replication before it runs (docs/extending.md)"
        )
    if rule is not None and not all(callable(getattr(rule, m, None)) for m in ("team_key", "order_key")):
        raise TypeError(
            f"rule={_describe(rule)} has no team_key and order_key methods; expected a dispatch rule "
            "object (docs/extending.md, 'A new dispatch rule')"
        )
    for what, value in (("extend", extend), ("rule", rule)):
        if value is None:
            continue
        try:
            pickle.loads(pickle.dumps(value))
        except Exception as exc:
            raise TypeError(
                f"{what}={_describe(value)} cannot be sent to worker processes ({_why(value, exc)}); "
                f"expected {_ACCEPTED}: a lambda or a function defined inside another is refused "
                "(docs/extending.md)"
            ) from None
    label = ", ".join(f"{w}={_describe(v)}" for w, v in (("extend", extend), ("rule", rule)) if v is not None)
    return Extension(pickle.dumps((extend, rule)), label)


def midnights(rep: Replication, on_day: Callable[[float], None]):
    """SimPy process telling ``on_day(share)`` the share of the replication's simulated time done
    (0..1) at each simulated midnight before the horizon: progress inside a long replication.
    It changes nothing the model does: no state, no random numbers, and the model's events keep
    their order (SimPy orders events of the same minute by when they were scheduled)."""
    env, horizon = rep.env, rep.horizon
    while env.now + 1440.0 < horizon:
        yield env.timeout(1440.0)
        on_day(env.now / horizon)


def run_one(
    world: World,
    seed_root: int,
    index: int,
    keep_log: bool = True,
    ext: Extension | None = None,
    on_day: Callable[[float], None] | None = None,
) -> RepResult:
    """Simulate replication ``index`` of an experiment with root seed ``seed_root``; with an
    extension ``ext`` (:func:`extension`), its rule dispatches and its ``extend(rep)`` runs
    before ``rep.run()``; ``on_day(share)`` hears at each simulated midnight the share of the
    replication done (:func:`midnights`; the results are the same with or without it)."""
    seed = replication_seeds(seed_root, 1, first=index)[0]
    extend, rule = ext.fresh() if ext is not None else (None, None)
    rep = Replication(world, seed, rule=rule)
    if extend is not None:
        extend(rep)
    if on_day is not None:
        rep.add_process(midnights, on_day)
    log = rep.run()
    kpis = counted_kpis(log, world)
    label = ext.label if ext is not None else ""
    return RepResult(index, dict(kpis), backlog_series(log), log if keep_log else None, kpis.orders, label)
