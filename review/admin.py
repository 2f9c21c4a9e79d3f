"""The owner's review desk: the queue in review order, each turn in context, and the actions that clear it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from review.models import ReviewItem
from review.selectors import STATUS_ALL, review_item_context, review_reason_counts
from review.services import (
    review_item_answer_and_teach,
    review_item_claim,
    review_item_release,
    review_item_resolve,
    review_items_resolve,
)
from twinproject.errors import DomainError
from twinproject.owner_admin import ReadOnlyOwnerAdmin

Status = ReviewItem.Status
_VERBS = {Status.RESOLVED: "Resolve", Status.DISMISSED: "Dismiss"}
_DONE = {Status.RESOLVED: "Resolved", Status.DISMISSED: "Dismissed"}


class StatusFilter(admin.SimpleListFilter):
    """The desk opens on what is left to do: pending items, unless another status (or all) is picked."""

    title = "status"
    parameter_name = "status"
    default = Status.PENDING

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [*Status.choices, (STATUS_ALL, "All")]

    def _current(self) -> str:
        value = self.value()
        return value if value in {*Status.values, STATUS_ALL} else self.default

    def choices(self, changelist):
        current = self._current()
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        current = self._current()
        return queryset if current == STATUS_ALL else queryset.filter(status=current)


class ReviewNoteForm(forms.Form):
    review_note = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Why you resolve or dismiss it; kept on the item.",
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text="The right answer, in your words. The visitor sees it in the conversation, and it becomes an "
        "FAQ learning input for the twin.",
    )
    review_note = forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2, "cols": 80}))


@admin.register(ReviewItem)
class ReviewItemAdmin(ReadOnlyOwnerAdmin):
    # Items change only through the desk's actions and views below, never through a form.
    owner_path = "twin__owner"
    change_list_template = "admin/review/reviewitem/change_list.html"
    change_form_template = "admin/review/reviewitem/change_form.html"
    list_display = ["priority", "reason", "message_excerpt", "twin", "status", "claim", "created_at"]
    list_display_links = ["message_excerpt"]
    list_filter = [
        StatusFilter,
        "priority",
        "reason",
        ("twin", admin.RelatedOnlyFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["twin", "message", "claimed_by"]
    search_fields = ["message__content"]
    ordering = ["-priority_rank", "created_at", "id"]
    actions = ["resolve_selected", "dismiss_selected"]
    fields = [
        "twin",
        "conversation_link",
        "reason",
        "priority",
        "status",
        "claim",
        "review_note",
        "resolved_by",
        "resolved_at",
        "created_at",
    ]
    readonly_fields = fields

    def has_review_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._allowed(request)

    @admin.display(description="Message")
    def message_excerpt(self, obj: ReviewItem) -> str:
        text = obj.message.content
        return text if len(text) <= 100 else text[:99] + "…"

    @admin.display(description="Claimed")
    def claim(self, obj: ReviewItem) -> str:
        if not obj.is_claimed(now=timezone.now()):
            return "—"
        return f"{obj.claimed_by} until {timezone.localtime(obj.claimed_until):%H:%M}"

    @admin.display(description="Conversation")
    def conversation_link(self, obj: ReviewItem) -> str:
        url = reverse("admin:runtime_conversation_change", args=[obj.conversation_id])
        return format_html('<a href="{}">{}</a>', url, obj.conversation)

    def changelist_view(self, request: HttpRequest, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            counts = review_reason_counts(items=changelist.queryset)
            response.context_data["reason_counts"] = [
                {
                    "label": label,
                    "count": counts[reason],
                    "query": changelist.get_query_string({"reason__exact": reason}),
                }
                for reason, label in ReviewItem.Reason.choices
            ]
        return response

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        item = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if item is not None:
            context["review"] = review_item_context(item=item)
            context["claimed_by_another"] = item.is_claimed_by_another(request.user, now=timezone.now())
        return super().change_view(request, object_id, form_url, extra_context=context)

    # --- the desk's own views ------------------------------------------------------------

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/close/<str:status>/", view(self.close_view), name=f"{name}_close"),
            path("<path:object_id>/answer/", view(self.answer_view), name=f"{name}_answer"),
            path("<path:object_id>/claim/", view(self.claim_view), name=f"{name}_claim"),
            path("<path:object_id>/release/", view(self.release_view), name=f"{name}_release"),
            *super().get_urls(),
        ]

    def _item_or_404(self, request: HttpRequest, object_id: str) -> ReviewItem:
        item = self.get_object(request, unquote(object_id))
        if item is None or not self.has_review_permission(request, item):
            raise Http404("No such review item.")
        return item

    def _closed_redirect(self, request: HttpRequest, item: ReviewItem) -> HttpResponse | None:
        """Back to the item's page, saying so, when it was closed since the owner opened it."""
        if item.is_pending:
            return None
        self.message_user(request, f"This item is already {item.status}.", messages.WARNING)
        return HttpResponseRedirect(self._change_url(item))

    def _change_url(self, item: ReviewItem) -> str:
        return reverse("admin:review_reviewitem_change", args=[item.pk])

    def _changelist_url(self) -> str:
        return reverse("admin:review_reviewitem_changelist")

    def _page(self, request: HttpRequest, template: str, title: str, **context: Any) -> TemplateResponse:
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **context}
        return TemplateResponse(request, f"admin/review/reviewitem/{template}", context)

    def close_view(self, request: HttpRequest, object_id: str, status: str) -> HttpResponse:
        """Resolve or dismiss one item: a page that takes the note (GET), then the change (POST)."""
        item = self._item_or_404(request, object_id)
        if status not in _VERBS:
            raise Http404("Items are resolved or dismissed.")
        if request.method != "POST" and (closed := self._closed_redirect(request, item)):
            return closed
        form = ReviewNoteForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                review_item_resolve(item=item, actor=request.user, status=status, **form.cleaned_data)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return HttpResponseRedirect(self._change_url(item))
            self.message_user(request, f"{_DONE[status]}: {item.message.content[:80]}", messages.SUCCESS)
            return HttpResponseRedirect(self._changelist_url())
        return self._page(
            request,
            "confirm_close.html",
            f"{_VERBS[status]} this item?",
            items=[item],
            verb=_VERBS[status],
            form=form,
            cancel_url=self._change_url(item),
            original=item,
        )

    def answer_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Answer and teach: the owner's answer goes to the visitor and becomes an FAQ learning input."""
        item = self._item_or_404(request, object_id)
        if request.method != "POST" and (closed := self._closed_redirect(request, item)):
            return closed
        form = AnswerForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                review_item_answer_and_teach(item=item, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return HttpResponseRedirect(self._change_url(item))
            self.message_user(
                request,
                "Answered: the visitor sees your answer in the conversation, and an add_faq_answer learning "
                "input waits to be applied.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self._changelist_url())
        return self._page(
            request,
            "answer.html",
            "Answer and teach",
            original=item,
            form=form,
            review=review_item_context(item=item),
            cancel_url=self._change_url(item),
        )

    def _claim_step(self, request: HttpRequest, object_id: str, service, done: str) -> HttpResponse:
        item = self._item_or_404(request, object_id)
        if request.method == "POST":
            try:
                service(item=item, actor=request.user)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(item))

    def claim_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._claim_step(request, object_id, review_item_claim, "Claimed: other reviewers leave it to you.")

    def release_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._claim_step(request, object_id, review_item_release, "Released.")

    # --- bulk actions ----------------------------------------------------------------------

    def _close_selected(self, request: HttpRequest, queryset: QuerySet, status: str) -> HttpResponse | None:
        """A page that lists exactly the selected items and takes the note; its answer closes exactly those."""
        items = list(queryset.select_related("message"))
        form = ReviewNoteForm(request.POST if request.POST.get("post") == "yes" else None)
        if form.is_bound and form.is_valid():
            outcome = review_items_resolve(
                item_ids=[item.pk for item in items], actor=request.user, status=status, **form.cleaned_data
            )
            self.message_user(request, f"{_DONE[status]} {len(outcome.closed)} item(s).", messages.SUCCESS)
            for item, why in outcome.skipped:
                self.message_user(request, f"Skipped “{item.message.content[:60]}”: {why}", messages.WARNING)
            return None
        return self._page(
            request,
            "confirm_close.html",
            f"{_VERBS[status]} {len(items)} item(s)?",
            items=items,
            verb=_VERBS[status],
            form=form,
            action=f"{'resolve' if status == Status.RESOLVED else 'dismiss'}_selected",
            action_checkbox_name=admin.helpers.ACTION_CHECKBOX_NAME,
            cancel_url=request.get_full_path(),
        )

    @admin.action(description="Resolve the selected items…", permissions=["review"])
    def resolve_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._close_selected(request, queryset, Status.RESOLVED)

    @admin.action(description="Dismiss the selected items…", permissions=["review"])
    def dismiss_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._close_selected(request, queryset, Status.DISMISSED)
