"""botocore's table of event handlers, copied on write: what every client of a session starts from.

botocore copies its session's whole table of event handlers for each client it creates: a prefix
trie of about 400 nodes, some 7 ms a client on a 2-core machine, and a sweep of every region makes
over 400 clients. :class:`CopyOnWriteHandlers` is that trie with a copy that shares the nodes:
after a copy both tables treat every shared node as read-only, and a table that registers or
unregisters a handler first replaces the nodes on that key's path with its own (each node records
the table it belongs to). Lookups read the nodes exactly as botocore's own do.

Like botocore's own table it is not made for one thread registering on a table while another copies
it: the adapter registers its session's handlers (the read-only guard) before any client is made from
it, and a client's own handlers while that client is being made.

It relies on botocore's private trie (``botocore.hooks._PrefixTrie``), so it is used only after
:func:`copy_on_write_emitter` has replayed the same operations on both tables and found the same
handlers in each; on a botocore where they differ, sessions keep botocore's own table (slower, never
wrong).
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from botocore.hooks import HierarchicalEmitter, _PrefixTrie


class CopyOnWriteHandlers(_PrefixTrie):
    """botocore's prefix trie of event handlers, copied in O(1) and then node by node, on write."""

    def __init__(self) -> None:
        super().__init__()
        self._owner = object()
        self._root["owner"] = self._owner

    def __copy__(self) -> CopyOnWriteHandlers:
        twin = type(self).__new__(type(self))
        twin.__dict__.update(self.__dict__, _owner=object())
        self._owner = object()  # the nodes both now hold belong to neither
        return twin

    def append_item(self, key: str, value: Any, section: int = 1) -> None:
        self._own_path(key.split("."))
        super().append_item(key, value, section)  # botocore's own: any node it adds is this table's alone

    def remove_item(self, key: str, value: Any) -> None:
        self._own_path(key.split("."))
        super().remove_item(key, value)  # botocore's own removal, on nodes this table alone holds

    def _own_path(self, parts: list[str]) -> None:
        """Make every existing node on the path of ``parts`` this table's own."""
        self._root = node = self._own(self._root)
        for part in parts:
            child = node["children"].get(part)
            if child is None:
                return
            child = node["children"][part] = self._own(child)
            node = child

    def _own(self, node: dict[str, Any]) -> dict[str, Any]:
        if node.get("owner") is self._owner:
            return node
        values = node["values"]
        return {**node, "children": dict(node["children"]),
                "values": None if values is None else copy.copy(values), "owner": self._owner}


class CopyOnWriteEmitter(HierarchicalEmitter):
    """botocore's event emitter on a :class:`CopyOnWriteHandlers` table."""

    def __init__(self) -> None:
        super().__init__()
        self._handlers = CopyOnWriteHandlers()


@functools.cache
def copy_on_write_emitter() -> type[CopyOnWriteEmitter] | None:
    """:class:`CopyOnWriteEmitter` if this botocore's table behaves as the one it was written for."""
    return CopyOnWriteEmitter if behaves_like(_PrefixTrie, CopyOnWriteHandlers) else None


#: Keys of handlers (a wildcard among them), registered in every section, on every level of the trie.
_KEYS = ("a", "a.b", "a.b.c", "a.*.c", "a.x", "b.c")
_LOOKUPS = (*_KEYS, "a.y.c", "a.b.c.d", "b", "c")


def behaves_like(reference: type, candidate: type) -> bool:
    """Register, copy and unregister alike on a ``reference`` table and a ``candidate`` table, then on
    copies of each; True when every lookup finds the same handlers in the same order in both, in the
    originals and in the copies."""
    try:
        left, right = reference(), candidate()
        for position, key in enumerate(_KEYS):
            for table in (left, right):
                table.append_item(key, position, section=position % 3)
        pairs = [(left, right), (copy.copy(left), copy.copy(right))]
        for number, pair in enumerate(pairs):
            for table in pair:
                table.append_item("a.b", 10 + number)
                table.append_item("a.b.new", 20 + number)
                table.remove_item("a.x", 4)
                table.remove_item("a.*.c", 3)
        return all(list(one.prefix_search(key)) == list(other.prefix_search(key))
                   for one, other in pairs for key in _LOOKUPS)
    except Exception:  # a table whose methods take other arguments or keep other nodes
        return False
