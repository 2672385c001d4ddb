package com.careledger.core.ui.i18n;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import com.ibm.icu.text.DateFormatSymbols;
import com.ibm.icu.util.ULocale;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.upload.UploadI18N;

/**
 * The texts Vaadin's own components draw (the date picker's months, days and buttons, the upload's prompts and
 * errors) in the component's language: names of months and days from ICU's data (as {@code core.format.Dates} writes
 * dates), the rest from the translations: a view passes its locale and its {@code getTranslation}, e.g.
 * {@code picker.setI18n(ComponentTexts.datePicker(getLocale(), this::getTranslation))}. The sign-in form's are set by
 * {@code LoginView}.
 */
public final class ComponentTexts {

    private ComponentTexts() {
    }

    /**
     * A date picker for India: dates typed and shown day first (5/12/2026; 5-12-2026 and 5.12.2026 are read too),
     * weeks from Sunday as Indian calendars print them, month and day names in the page's language.
     */
    public static DatePicker.DatePickerI18n datePicker(Locale locale, Function<String, String> texts) {
        DateFormatSymbols symbols = DateFormatSymbols.getInstance(ULocale.forLocale(locale));
        return new DatePicker.DatePickerI18n()
                .setMonthNames(List.of(symbols.getMonths(DateFormatSymbols.STANDALONE, DateFormatSymbols.WIDE)))
                .setWeekdays(days(symbols.getWeekdays(DateFormatSymbols.STANDALONE, DateFormatSymbols.WIDE)))
                .setWeekdaysShort(days(symbols.getWeekdays(DateFormatSymbols.STANDALONE, DateFormatSymbols.ABBREVIATED)))
                .setFirstDayOfWeek(0)
                .setDateFormats("d/M/yyyy", "d-M-yyyy", "d.M.yyyy")
                .setToday(texts.apply("date-picker.today"))
                .setCancel(texts.apply("date-picker.cancel"))
                .setBadInputErrorMessage(texts.apply("date-picker.bad-input"))
                .setRequiredErrorMessage(texts.apply("date-picker.required"))
                .setMinErrorMessage(texts.apply("date-picker.too-early"))
                .setMaxErrorMessage(texts.apply("date-picker.too-late"));
    }

    /** The upload's prompts, progress and errors in the page's language. */
    public static UploadI18N upload(Function<String, String> texts) {
        UploadI18N.Uploading uploading = new UploadI18N.Uploading()
                .setStatus(new UploadI18N.Uploading.Status()
                        .setConnecting(texts.apply("upload.connecting"))
                        .setStalled(texts.apply("upload.stalled"))
                        .setProcessing(texts.apply("upload.processing"))
                        .setHeld(texts.apply("upload.held")))
                .setRemainingTime(new UploadI18N.Uploading.RemainingTime()
                        .setPrefix(texts.apply("upload.remaining"))
                        .setUnknown(texts.apply("upload.remaining-unknown")))
                .setError(new UploadI18N.Uploading.Error()
                        .setServerUnavailable(texts.apply("upload.server-unavailable"))
                        .setUnexpectedServerError(texts.apply("upload.server-error"))
                        .setForbidden(texts.apply("upload.forbidden"))
                        .setFileTooLarge(texts.apply("upload.too-big")));
        return new UploadI18N()
                .setDropFiles(new UploadI18N.DropFiles()
                        .setOne(texts.apply("upload.drop-one"))
                        .setMany(texts.apply("upload.drop-many")))
                .setAddFiles(new UploadI18N.AddFiles()
                        .setOne(texts.apply("upload.add-one"))
                        .setMany(texts.apply("upload.add-many")))
                .setFile(new UploadI18N.File()
                        .setRetry(texts.apply("upload.retry"))
                        .setStart(texts.apply("upload.start"))
                        .setRemove(texts.apply("upload.remove")))
                .setError(new UploadI18N.Error()
                        .setTooManyFiles(texts.apply("upload.too-many"))
                        .setFileIsTooBig(texts.apply("upload.too-big"))
                        .setIncorrectFileType(texts.apply("upload.wrong-type")))
                .setUploading(uploading)
                .setUnits(List.of("B", "kB", "MB", "GB", "TB"));
    }

    /** ICU's weekday arrays start at index 1 (Sunday); Vaadin's lists start at Sunday too. */
    private static List<String> days(String[] icu) {
        return Arrays.asList(icu).subList(1, 8);
    }
}
