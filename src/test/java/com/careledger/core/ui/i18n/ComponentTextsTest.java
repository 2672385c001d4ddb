package com.careledger.core.ui.i18n;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Function;

import com.careledger.core.i18n.Language;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.upload.UploadI18N;
import org.junit.jupiter.api.Test;

/** Vaadin's own components speak the page's language: the date picker's names and buttons, the upload's prompts. */
class ComponentTextsTest {

    private final Translations translations = new Translations();

    @Test
    void theDatePickerNamesMonthsAndDaysInTheLanguageWeeksFromSundayDayFirst() {
        DatePicker.DatePickerI18n hindi = ComponentTexts.datePicker(Language.HINDI.locale(), texts(Language.HINDI));
        assertThat(hindi.getMonthNames()).hasSize(12).startsWith("जनवरी").endsWith("दिसंबर");
        assertThat(hindi.getWeekdays()).hasSize(7).startsWith("रविवार");
        assertThat(hindi.getToday()).isEqualTo("आज");
        assertThat(hindi.getFirstDayOfWeek()).isZero();
        assertThat(hindi.getDateFormats()).containsExactly("d/M/yyyy", "d-M-yyyy", "d.M.yyyy");

        DatePicker.DatePickerI18n english = ComponentTexts.datePicker(Language.ENGLISH.locale(), texts(Language.ENGLISH));
        assertThat(english.getMonthNames()).startsWith("January");
        assertThat(english.getWeekdaysShort()).startsWith("Sun").hasSize(7);
        assertThat(english.getCancel()).isEqualTo("Cancel");
    }

    @Test
    void theUploadSpeaksTheLanguage() {
        UploadI18N hindi = ComponentTexts.upload(texts(Language.HINDI));
        assertThat(hindi.getAddFiles().getOne()).isEqualTo("फ़ाइल चुनें…");
        assertThat(hindi.getError().getFileIsTooBig()).isEqualTo("यह फ़ाइल बहुत बड़ी है।");
        assertThat(hindi.getUploading().getStatus().getConnecting()).isEqualTo("जुड़ रहा है…");
        assertThat(ComponentTexts.upload(texts(Language.ENGLISH)).getDropFiles().getMany()).isEqualTo("Drop files here");
    }

    private Function<String, String> texts(Language language) {
        return key -> translations.translate(language, key);
    }
}
